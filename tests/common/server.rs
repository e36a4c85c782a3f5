//! Starts the real `fazhi serve` binary on a free loopback port and stops it when dropped.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `fazhi serve` on 127.0.0.1.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Server {
    /// Starts `fazhi serve --addr 127.0.0.1:0 ARGS…` and waits (at most a minute) for its
    /// `listening on` line; its later log lines are drained so it never blocks on them.
    pub fn start(bin: &str, args: &[&str]) -> Server {
        Server::start_logged(bin, args, "warn").0
    }

    /// [`Server::start`] with `RUST_LOG=rust_log`; every later line of its standard error comes
    /// through the receiver.
    pub fn start_logged(
        bin: &str,
        args: &[&str],
        rust_log: &str,
    ) -> (Server, std::sync::mpsc::Receiver<String>) {
        let mut child = Command::new(bin)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .env("RUST_LOG", rust_log)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start fazhi serve");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = std::sync::mpsc::channel();
        let (log_tx, log_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if sent {
                    let _ = log_tx.send(line);
                } else {
                    if let Some(rest) = line.strip_prefix("fazhi serve: listening on ") {
                        let base = rest.split_whitespace().next().unwrap_or("").to_string();
                        let _ = tx.send(Ok(base));
                        sent = true;
                    } else if line.starts_with("error") {
                        let _ = tx.send(Err(line));
                        sent = true;
                    }
                }
            }
        });
        let base = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(Ok(base)) => base,
            Ok(Err(line)) => {
                let _ = child.kill();
                panic!("fazhi serve failed: {line}")
            }
            Err(_) => {
                let _ = child.kill();
                panic!("fazhi serve did not start within a minute")
            }
        };
        (Server { child, base }, log_rx)
    }

    /// The URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends SIGTERM and waits (at most `limit`) for the exit; returns the exit code.
    #[allow(dead_code)]
    pub fn terminate(&mut self, limit: Duration) -> Option<i32> {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
