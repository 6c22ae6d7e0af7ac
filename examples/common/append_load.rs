//! What the HTTP append benchmarks (`bench_serve`, `bench_serve_postgres`) measure and print:
//! clients appending single events, their latencies, and how many requests each transaction
//! carried.

use std::time::Duration;

/// One run of clients appending.
pub struct Measured {
    pub appends: usize,
    pub elapsed: Duration,
    pub latencies: Vec<Duration>,
    pub transactions: u64,
    pub transaction_requests: u64,
}

/// Prints a run: throughput, p50 and p99 latency, and requests per transaction.
pub fn report(name: &str, measured: &Measured) {
    let mut sorted = measured.latencies.clone();
    sorted.sort_unstable();
    let at = |q: f64| {
        sorted
            .get(((sorted.len() as f64 * q) as usize).min(sorted.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "{name:<36} {:>7} appends in {:.1} s: {:>7.0} appends/s, p50 {:.2} ms, p99 {:.2} ms, \
         {:.1} requests per transaction",
        measured.appends,
        measured.elapsed.as_secs_f64(),
        measured.appends as f64 / measured.elapsed.as_secs_f64(),
        at(0.50),
        at(0.99),
        measured.transaction_requests as f64 / measured.transactions.max(1) as f64
    );
}

/// A valid event, unique to client `client` and its `i`-th append.
pub fn event(client: usize, i: usize) -> String {
    format!(
        r#"{{"dyad":"USA-RUS","kind":"action","occurred_on":"2017-04-24","actor":"RUS","target":"TALIBAN","action":"arm_adversary","issue":"afghanistan","summary":"bench client {client} append {i}","source":{{"outlet":"bench"}}}}"#
    )
}
