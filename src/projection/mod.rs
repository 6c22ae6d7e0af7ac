//! Projections: pure folds of the log into what analysts read. A projection never touches the
//! store or the terminal; it is given events one at a time and returns a value, so the same
//! events in any order give the same answer, and tests can check it without a database.

pub mod amendments;
pub mod status;

pub use amendments::{Amendments, Resolved};
pub use status::{Explanation, Ledger, Scope, Status};
