//! Counters and latency histograms, rendered in the Prometheus text format on `GET /metrics`.
//!
//! Plain atomics and one mutex-guarded map of routes: a handful of series does not need a metrics
//! crate. The mutex is held for a map lookup and a few additions per request.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The server's metrics.
#[derive(Debug, Default)]
pub(crate) struct Metrics {
    /// Events newly recorded.
    pub events_appended: AtomicU64,
    /// Append requests recorded (including idempotent retries).
    pub appends_ok: AtomicU64,
    /// Append requests refused (validation, conflicts).
    pub appends_refused: AtomicU64,
    /// Append requests that failed (the log could not be written).
    pub appends_failed: AtomicU64,
    /// Write transactions committed by the writer.
    pub transactions: AtomicU64,
    /// Append requests those transactions carried (over `transactions`: the mean group size).
    pub transaction_requests: AtomicU64,
    /// Open event-stream subscriptions.
    pub subscribers: AtomicI64,
    routes: Mutex<BTreeMap<(String, String), RouteStats>>,
}

#[derive(Debug, Default)]
struct RouteStats {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
    statuses: BTreeMap<u16, u64>,
}

impl Metrics {
    /// Records one HTTP request's latency (to its response head) and status.
    pub fn observe(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let mut routes = self
            .routes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let stats = routes
            .entry((route.to_string(), method.to_string()))
            .or_default();
        for (bucket, bound) in stats.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
        stats.count += 1;
        stats.sum += seconds;
        *stats.statuses.entry(status).or_default() += 1;
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let counter = |out: &mut String, name: &str, help: &str, value: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
            );
        };
        let load = |value: &AtomicU64| value.load(Ordering::Relaxed);
        counter(
            &mut out,
            "dyad_events_appended_total",
            "Events newly recorded in the log.",
            load(&self.events_appended),
        );
        let _ = writeln!(
            out,
            "# HELP dyad_append_requests_total Append requests by result.\n\
             # TYPE dyad_append_requests_total counter"
        );
        for (result, value) in [
            ("ok", &self.appends_ok),
            ("refused", &self.appends_refused),
            ("failed", &self.appends_failed),
        ] {
            let _ = writeln!(
                out,
                "dyad_append_requests_total{{result=\"{result}\"}} {}",
                load(value)
            );
        }
        counter(
            &mut out,
            "dyad_write_transactions_total",
            "Write transactions committed (a group commit is one).",
            load(&self.transactions),
        );
        counter(
            &mut out,
            "dyad_write_transaction_requests_total",
            "Append requests carried by those transactions.",
            load(&self.transaction_requests),
        );
        let _ = writeln!(
            out,
            "# HELP dyad_subscribers Open event-stream subscriptions.\n\
             # TYPE dyad_subscribers gauge\ndyad_subscribers {}",
            self.subscribers.load(Ordering::Relaxed)
        );
        let routes = self
            .routes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let _ = writeln!(
            out,
            "# HELP dyad_http_request_duration_seconds Time to the response head, by route.\n\
             # TYPE dyad_http_request_duration_seconds histogram"
        );
        for ((route, method), stats) in routes.iter() {
            let labels = format!("method=\"{method}\",route=\"{route}\"");
            for (bound, count) in BUCKETS.iter().zip(stats.buckets) {
                let _ = writeln!(
                    out,
                    "dyad_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "dyad_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}\n\
                 dyad_http_request_duration_seconds_sum{{{labels}}} {}\n\
                 dyad_http_request_duration_seconds_count{{{labels}}} {}",
                stats.count, stats.sum, stats.count
            );
        }
        let _ = writeln!(
            out,
            "# HELP dyad_http_requests_total HTTP requests by route and status.\n\
             # TYPE dyad_http_requests_total counter"
        );
        for ((route, method), stats) in routes.iter() {
            for (status, count) in &stats.statuses {
                let _ = writeln!(
                    out,
                    "dyad_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {count}"
                );
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative() {
        let metrics = Metrics::default();
        metrics.observe("GET", "/v1/status", 200, Duration::from_millis(3));
        metrics.observe("GET", "/v1/status", 400, Duration::from_secs(20));
        let text = metrics.render();
        let line = |needle: &str| {
            text.lines()
                .find(|l| l.contains(needle))
                .unwrap_or_else(|| panic!("{needle} missing: {text}"))
                .to_string()
        };
        assert!(line("le=\"0.0025\"").ends_with(" 0"));
        assert!(line("le=\"0.005\"").ends_with(" 1"));
        assert!(line("le=\"+Inf\"").ends_with(" 2"));
        assert!(line("status=\"400\"").ends_with(" 1"));
    }
}
