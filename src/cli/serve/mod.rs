//! `fazhi serve`: a stateless HTTP/JSON service over the library's public API (axum).
//!
//! Rule sets are loaded and compiled once at start (the built-in one, plus every `--rules DIR`),
//! held as `Arc<RuleSet>` and shared by every request; the JSON API stores nothing between
//! requests (no database: reports carry their rule-set and data hashes, and `fazhi verify`
//! rechecks them). The one exception is the workbench page at `/` ([`workbench`]), which keeps
//! the files dropped on it as bounded data sets.
//! Scoring runs on tokio's blocking pool so slow requests never stall the listener.
//!
//! Production habits: a request body limit (413), a per-request time limit (503 `timeout`), a
//! concurrency limit that sheds load (503 `overloaded`), a request id on every request
//! (`x-request-id`, kept when the client sends one, echoed in the response and in its log line),
//! one log line per request (tracing; `--log-json` for JSON lines), work that stops when its
//! answer is no longer wanted (time limit, client gone, shutdown: a [`fazhi::Cancel`] per
//! request), and graceful shutdown on SIGTERM or Ctrl-C (requests in flight get `--grace`
//! seconds, then their work stops). Errors are JSON with the library's diagnostics.

mod error;
mod openapi;
mod routes;
pub mod workbench;

use super::common::*;
use fazhi::{RuleSet, RuleSource};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The options of `fazhi serve`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A rule-set folder to serve (repeatable); the built-in rule set is always served too.
    #[arg(long)]
    pub rules: Vec<PathBuf>,
    /// The address to listen on (port 0: any free port; the chosen one is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Largest request body accepted, in bytes (larger: 413).
    #[arg(long, default_value_t = 4 * 1024 * 1024)]
    pub body_limit: usize,
    /// Time limit per request, in seconds (over it: 503 with kind `timeout`).
    #[arg(long, default_value_t = 30.0)]
    pub timeout: f64,
    /// Requests handled at once; more are refused at once with 503 (kind `overloaded`).
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    /// Most counties in one request body (more: 400 naming this flag).
    #[arg(long, default_value_t = 1000)]
    pub max_counties: usize,
    /// Seconds that requests in flight get to finish after SIGTERM or Ctrl-C; then their work
    /// is stopped (503 `shutting_down`) and the server exits.
    #[arg(long, default_value_t = 10.0)]
    pub grace: f64,
    /// Log JSON lines instead of text (standard error; level from RUST_LOG, default info).
    #[arg(long)]
    pub log_json: bool,
    /// Data sets the workbench keeps (the files dropped on its page); the oldest goes first.
    #[arg(long, default_value_t = 4)]
    pub workbench_datasets: usize,
    /// Most Monte Carlo draws one workbench request for rank intervals may ask for.
    #[arg(long, default_value_t = 5000)]
    pub max_draws: usize,
    /// Open the workbench (`/`) in the default browser once the server listens.
    #[arg(long)]
    pub open: bool,
}

/// What every handler shares: the compiled rule sets by id, and the limits.
pub struct AppState {
    /// Rule sets by id, compiled once.
    pub rulesets: BTreeMap<String, Arc<RuleSet>>,
    /// The body limit, for error messages.
    pub body_limit: usize,
    /// The time limit of one request: its work stops there (and the answer is 503 `timeout`).
    pub timeout: Duration,
    /// Most counties in one request body.
    pub max_counties: usize,
    /// Stops the work of every request when the server shuts down (each request's token is a
    /// child of it).
    pub shutdown: fazhi::Cancel,
    /// The folder each served rule set was loaded from (`None`: the built-in one), for the
    /// workbench's lint findings and tests.
    pub sources: BTreeMap<String, Option<PathBuf>>,
    /// The workbench's data sets.
    pub workbench: workbench::store::Store,
    /// How many data sets the workbench keeps (for messages).
    pub workbench_datasets: usize,
    /// Most Monte Carlo draws per request.
    pub max_draws: usize,
}

/// Loads the rule sets, starts the runtime and serves until SIGTERM / Ctrl-C.
pub fn run(args: Args) -> u8 {
    init_logs(args.log_json);
    let mut rulesets = BTreeMap::new();
    let mut sources = BTreeMap::new();
    let builtin = match RuleSet::builtin() {
        Ok(r) => r,
        Err(e) => {
            report_error(&e, None);
            return BAD_INPUT;
        }
    };
    sources.insert(builtin.id().to_string(), None);
    rulesets.insert(builtin.id().to_string(), Arc::new(builtin));
    for dir in &args.rules {
        let rules = match RuleSource::from_dir(dir).and_then(|s| RuleSet::load(&s)) {
            Ok(r) => r,
            Err(e) => {
                report_error(&e, Some(dir));
                return BAD_INPUT;
            }
        };
        let id = rules.id().to_string();
        sources.insert(id.clone(), Some(dir.clone()));
        if rulesets.insert(id.clone(), Arc::new(rules)).is_some() {
            eprintln!(
                "error: {}: rule set id `{id}` is served twice\n  help: serve each rule set once (the built-in one is always served)",
                dir.display()
            );
            return BAD_INPUT;
        }
    }
    let timeout = Duration::try_from_secs_f64(args.timeout).unwrap_or(Duration::from_secs(30));
    let grace = Duration::try_from_secs_f64(args.grace).unwrap_or(Duration::from_secs(10));
    let state = Arc::new(AppState {
        rulesets,
        body_limit: args.body_limit,
        timeout,
        max_counties: args.max_counties.max(1),
        shutdown: fazhi::Cancel::new(),
        sources,
        workbench: workbench::store::Store::new(args.workbench_datasets),
        workbench_datasets: args.workbench_datasets.max(1),
        max_draws: args.max_draws,
    });
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return FAILURE;
        }
    };
    let code = runtime.block_on(serve(state.clone(), &args, grace));
    state.workbench.clear();
    // Work still running on the blocking pool was told to stop; whatever has not returned
    // within a second more is left to the process exit.
    runtime.shutdown_timeout(Duration::from_secs(1));
    code
}

async fn serve(state: Arc<AppState>, args: &Args, grace: Duration) -> u8 {
    let listener = match tokio::net::TcpListener::bind(args.addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: cannot listen on {}: {e}", args.addr);
            return FAILURE;
        }
    };
    let local = listener.local_addr().map_or(args.addr, |a| a);
    let ids: Vec<&str> = state.rulesets.keys().map(String::as_str).collect();
    // One plain line first, for people and for scripts that start the server on port 0.
    eprintln!(
        "fazhi serve: listening on http://{local} (rule sets: {})",
        ids.join(", ")
    );
    tracing::info!(%local, rulesets = ?ids, "listening");
    // The workbench's address, for people (`fazhi workbench` is `fazhi serve --open`).
    let page = format!("http://{local}/");
    eprintln!("fazhi workbench: open {page} in a browser (工作台)");
    if args.open {
        if let Err(e) = opener::open_browser(&page) {
            eprintln!("warning: cannot open a browser ({e}); open {page} yourself");
        }
    }
    let app = routes::router(
        state.clone(),
        workbench::router(),
        args.body_limit,
        state.timeout,
        args.concurrency.max(1),
    );
    // On SIGTERM / Ctrl-C: stop accepting, give requests in flight `grace` to finish, then stop
    // their work (they answer 503 `shutting_down`) and return within two seconds more, whatever
    // clients do (issue 23: the server outlived SIGTERM until killed).
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        shutdown_signal().await;
        let _ = stop_tx.send(true);
    });
    let shutdown = state.shutdown.clone();
    let bounded = async move {
        let mut stop_rx = stop_rx;
        let _ = stop_rx.wait_for(|s| *s).await;
        tokio::time::sleep(grace).await;
        shutdown.cancel();
        tracing::info!("grace period over: stopping the work of requests in flight");
        tokio::time::sleep(Duration::from_secs(2)).await;
    };
    let result = tokio::select! {
        r = server => r,
        () = bounded => {
            tracing::warn!("requests still open after the grace period: exiting");
            Ok(())
        }
    };
    match result {
        Ok(()) => {
            tracing::info!("stopped");
            OK
        }
        Err(e) => {
            eprintln!("error: the server stopped: {e}");
            FAILURE
        }
    }
}

/// Resolves on SIGTERM (what service managers send) or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
    tracing::info!("shutting down: finishing requests in flight");
}

fn init_logs(json: bool) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second init (never in the binary) is harmless: the first subscriber stays.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
