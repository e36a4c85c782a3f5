//! Stopping work whose answer is no longer wanted (issue 23): a request past its time limit, a
//! client that went away, a server shutting down.
//!
//! A [`Cancel`] is a flag and an optional deadline, shared by whoever may stop the work and the
//! work itself. [`Cancel::run`] runs a closure with the token installed on the current thread;
//! scoring checks it before every rule (so a county stops within one rule's operations limit,
//! about a millisecond), the gap analysis before every candidate it rescores and between solver
//! runs (whose time limit the deadline shortens), and the readers between counties, rows and
//! fields. What is cut short is never returned: `run` answers [`Cancelled`] instead.
//!
//! ```
//! use fazhi::{Cancel, RuleSet};
//! let rules = RuleSet::builtin()?;
//! let county = &fazhi::synth::generate(&rules, 1, 1)[0];
//! let cancel = Cancel::new();
//! assert!(cancel.run(|| rules.score(county)).is_ok());
//! cancel.cancel();
//! assert_eq!(cancel.run(|| rules.score(county)), Err(fazhi::Cancelled));
//! # Ok::<(), fazhi::Error>(())
//! ```

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A shared "stop": cancelled by [`Cancel::cancel`] or once its deadline has passed. Cheap to
/// clone; every clone is the same token.
#[derive(Clone, Debug, Default)]
pub struct Cancel {
    flag: Arc<AtomicBool>,
    deadline: Option<Instant>,
    /// A token whose stop stops this one too (a server's shutdown over each request's token).
    parent: Option<Box<Cancel>>,
}

/// The work was stopped before it finished (its token was cancelled or its deadline passed);
/// nothing it computed is returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the work was stopped before it finished (cancelled or past its time limit)")]
pub struct Cancelled;

thread_local! {
    static CURRENT: RefCell<Option<Cancel>> = const { RefCell::new(None) };
}

impl Cancel {
    /// A token that stops only when cancelled.
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// A token that also stops at `deadline`.
    pub fn with_deadline(deadline: Instant) -> Cancel {
        Cancel {
            flag: Arc::default(),
            deadline: Some(deadline),
            parent: None,
        }
    }

    /// A token that also stops `limit` from now.
    pub fn with_time_limit(limit: Duration) -> Cancel {
        match Instant::now().checked_add(limit) {
            Some(d) => Cancel::with_deadline(d),
            None => Cancel::new(),
        }
    }

    /// A new token that stops when this one does, or when it is cancelled itself, or at
    /// `deadline` (a request's token under the server's shutdown token).
    pub fn child(&self, deadline: Option<Instant>) -> Cancel {
        Cancel {
            flag: Arc::default(),
            deadline,
            parent: Some(Box::new(self.clone())),
        }
    }

    /// Stops the work (every clone sees it).
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::Relaxed);
    }

    /// Whether the work should stop: cancelled, or past the deadline.
    pub fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
            || self.deadline.is_some_and(|d| Instant::now() >= d)
            || self.parent.as_ref().is_some_and(|p| p.is_cancelled())
    }

    /// The time left before the deadline (`None`: no deadline).
    pub fn remaining(&self) -> Option<Duration> {
        let own = self
            .deadline
            .map(|d| d.saturating_duration_since(Instant::now()));
        match (own, self.parent.as_ref().and_then(|p| p.remaining())) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Runs `f` with this token installed on the current thread, so the scoring, gap and reading
    /// it calls check it; [`Cancelled`] when the token stopped the work (whatever `f` returned
    /// is dropped then, being possibly incomplete). Nested calls keep the outer token too.
    pub fn run<T>(&self, f: impl FnOnce() -> T) -> Result<T, Cancelled> {
        if self.is_cancelled() {
            return Err(Cancelled);
        }
        let outer = CURRENT.with(|c| c.replace(Some(self.clone())));
        struct Restore(Option<Cancel>);
        impl Drop for Restore {
            fn drop(&mut self) {
                let outer = self.0.take();
                CURRENT.with(|c| *c.borrow_mut() = outer);
            }
        }
        let restore = Restore(outer);
        let out = f();
        let outer_stopped = restore.0.as_ref().is_some_and(Cancel::is_cancelled);
        drop(restore);
        if self.is_cancelled() || outer_stopped {
            Err(Cancelled)
        } else {
            Ok(out)
        }
    }
}

/// Whether the token installed on this thread (if any) says stop.
pub(crate) fn stopped() -> bool {
    CURRENT.with(|c| c.borrow().as_ref().is_some_and(Cancel::is_cancelled))
}

/// `Err` once the installed token says stop: for loops that return a `Result` (the caller's
/// [`Cancel::run`] answers [`Cancelled`] whatever this error becomes).
pub(crate) fn check() -> crate::Result<()> {
    if stopped() {
        Err(crate::Error::Invalid(Cancelled.to_string()))
    } else {
        Ok(())
    }
}

/// The time left before the installed token's deadline, if it has one.
pub(crate) fn remaining() -> Option<Duration> {
    CURRENT.with(|c| c.borrow().as_ref().and_then(Cancel::remaining))
}

/// The token installed on this thread, to hand to worker threads.
pub(crate) fn current() -> Option<Cancel> {
    CURRENT.with(|c| c.borrow().clone())
}

/// Runs `f` with `token` installed on this thread (a worker of a parallel batch running for a
/// caller's [`Cancel::run`]); the result is the caller's to drop.
pub(crate) fn installed<T>(token: Option<&Cancel>, f: impl FnOnce() -> T) -> T {
    match token {
        None => f(),
        Some(t) => {
            let outer = CURRENT.with(|c| c.replace(Some(t.clone())));
            let out = f();
            CURRENT.with(|c| *c.borrow_mut() = outer);
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_past_deadline_stops_and_restores_the_outer_token() {
        let past = Cancel::with_deadline(Instant::now());
        assert!(past.is_cancelled());
        assert_eq!(past.run(|| 1), Err(Cancelled));
        let outer = Cancel::new();
        let inner = Cancel::new();
        let got = outer.run(|| {
            let r = inner.run(|| {
                inner.cancel();
                stopped()
            });
            // The inner token is gone again; the outer one has not stopped.
            (r, stopped())
        });
        assert_eq!(got, Ok((Err(Cancelled), false)));
        assert!(!stopped());
    }

    #[test]
    fn a_child_stops_with_its_parent() {
        let server = Cancel::new();
        let request = server.child(None);
        assert!(!request.is_cancelled());
        server.cancel();
        assert!(request.is_cancelled());
        let other = Cancel::new().child(None);
        other.cancel();
        assert!(other.is_cancelled());
    }

    #[test]
    fn no_token_never_stops() {
        assert!(!stopped());
        assert_eq!(remaining(), None);
        assert_eq!(Cancel::new().run(|| 5), Ok(5));
    }
}
