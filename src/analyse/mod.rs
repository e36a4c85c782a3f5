//! Step 6, analyse: what the reports mean for the people who act on them.

pub mod gap;
