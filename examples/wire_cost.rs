//! The per-request cost of the wire layer, measured two ways that complement
//! `cargo bench --bench wire` (docs/performance.md, P6) on a machine whose speed drifts:
//!
//! * the **minimum** time per request over many batches of 256 prepared requests (the
//!   batch least disturbed by the rest of the machine), beside `wire/floor` measured the
//!   same way in the same run;
//! * **instructions** per request, when run under valgrind's cachegrind by
//!   `benches/wire_instructions.sh`, which runs it twice with different round counts,
//!   with and without `--build-only`, and subtracts (what is left is `Service::handle`
//!   and dropping its answer, without building the requests).
//!
//! The service and the requests are the wire benchmark's (`benches/support/wire_setup.rs`).
//! Besides the benchmark's operations, `plumbing` times what no implementation on `http`
//! types avoids: dropping a prepared Invoke request and building the Invoke answer (its
//! body copied, its three headers inserted, the request id from a static buffer).
//!
//! ```text
//! cargo run --release --example wire_cost [-- [--rounds N] [--build-only] [OPERATION ...]]
//! ```
//!
//! OPERATION is `floor`, `plumbing`, `invoke`, `get_alias`, `update_alias` or
//! `list_versions_50`; all of them by default.

use std::hint::black_box;
use std::time::Instant;

#[path = "../benches/support/wire_setup.rs"]
#[allow(dead_code)]
mod wire_setup;

use lambda_versioning::wire::Service;
use wire_setup::{MakeRequest, floor, get_alias, invoke, list_versions, service, update_alias};

/// Requests built ahead of one timed batch.
const BATCH: usize = 256;

/// What one operation does per request.
#[derive(Clone, Copy)]
enum Work {
    /// `wire/floor`: a fixed answer, no request.
    Floor,
    /// Drop an Invoke request, build the Invoke answer by hand.
    Plumbing,
    /// `Service::handle` on requests from this builder.
    Handle(MakeRequest),
}

const OPERATIONS: [(&str, Work); 6] = [
    ("floor", Work::Floor),
    ("plumbing", Work::Plumbing),
    ("invoke", Work::Handle(invoke)),
    ("get_alias", Work::Handle(get_alias)),
    ("update_alias", Work::Handle(update_alias)),
    ("list_versions_50", Work::Handle(list_versions)),
];

fn main() {
    let mut rounds = 200usize;
    let mut build_only = false;
    let mut chosen = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rounds" => {
                rounds = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|n| *n > 0)
                    .expect("--rounds takes a positive count");
            }
            "--build-only" => build_only = true,
            name => match OPERATIONS.iter().find(|(id, _)| *id == name) {
                Some(operation) => chosen.push(*operation),
                None => panic!("unknown operation {name:?}"),
            },
        }
    }
    if chosen.is_empty() {
        chosen = OPERATIONS.to_vec();
    }

    let service = service();
    let invoke_body = service.handle(invoke()).into_body();
    // One answer of each kind first, so caches filled on first use are warm.
    for (_, work) in &chosen {
        if let Work::Handle(make) = work {
            drop(service.handle(make()));
        }
    }
    let mut floor_ns = None;
    for (id, work) in chosen {
        let ns = (0..rounds)
            .map(|_| batch(&service, &invoke_body, work, build_only))
            .fold(f64::MAX, f64::min);
        if id == "floor" {
            floor_ns = Some(ns);
        }
        match floor_ns {
            Some(floor) if id != "floor" => {
                println!(
                    "{id}: {ns:.1} ns per request ({:.1}x the floor)",
                    ns / floor
                )
            }
            _ => println!("{id}: {ns:.1} ns per request"),
        }
    }
}

/// Nanoseconds per request of one batch of [`BATCH`] (requests built untimed first).
fn batch(service: &Service, invoke_body: &[u8], work: Work, build_only: bool) -> f64 {
    let make = match work {
        Work::Floor => None,
        Work::Plumbing => Some(invoke as MakeRequest),
        Work::Handle(make) => Some(make),
    };
    let prepared: Vec<_> = make
        .map(|make| (0..BATCH).map(|_| make()).collect())
        .unwrap_or_default();
    let start = Instant::now();
    if build_only {
        drop(black_box(prepared));
    } else {
        match work {
            Work::Floor => {
                for _ in 0..BATCH {
                    drop(black_box(floor(black_box(invoke_body))));
                }
            }
            Work::Plumbing => {
                for request in prepared {
                    drop(black_box(request));
                    drop(black_box(plumbing(invoke_body)));
                }
            }
            Work::Handle(_) => {
                for request in prepared {
                    drop(black_box(service.handle(request)));
                }
            }
        }
    }
    start.elapsed().as_nanos() as f64 / BATCH as f64
}

/// The Invoke answer built by hand: the body copied and the three headers inserted.
fn plumbing(body: &[u8]) -> http::Response<Vec<u8>> {
    let mut response = http::Response::new(black_box(body).to_vec());
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    headers.insert(
        http::HeaderName::from_static("x-amz-executed-version"),
        http::HeaderValue::from_static("2"),
    );
    headers.insert(
        http::HeaderName::from_static("x-amzn-requestid"),
        http::HeaderValue::from_static("6f1c2e4a-0b7d-4c8e-9a3f-2d5e6f7a8b9c"),
    );
    response
}
