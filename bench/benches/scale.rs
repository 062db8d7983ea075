//! How `orient` and bundle decoding grow with the directory: 1, 10 and 100 départements' worth
//! of actors (~180, ~1,800, ~18,000), the real actors of `data/real` replicated onto the real
//! commune grid (`aiguillage_bench`). Figures in docs/PERFORMANCE.md.
//!
//! Run: `cargo bench -p aiguillage-bench --bench scale`

use std::hint::black_box;
use std::time::Duration;

use aiguillage_engine::bundle;
use aiguillage_engine::orient;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};

fn bench_scale(c: &mut Criterion) {
    let france = aiguillage_bench::france();
    let templates = aiguillage_bench::templates(&france);
    let at = aiguillage_bench::at();
    let mut group = c.benchmark_group("scale");
    group.warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    for scale in aiguillage_bench::SCALES {
        let bundle = aiguillage_bench::scale_bundle(&france, &templates, scale);
        let profiles = aiguillage_bench::profiles(&bundle.communes, 256);
        let territory = bundle.territory();
        let mut next = 0;
        group.sample_size(100);
        group.bench_function(format!("orient {}", scale.name), |b| {
            b.iter(|| {
                next = (next + 1) % profiles.len();
                black_box(orient(territory, black_box(&profiles[next]), at, 5).ok())
            })
        });
        let bytes = bundle::encode(&bundle.without_texts()); // as `aiguillage bundle` writes it
                                                             // A national decode takes a few hundred ms: 10 samples keep the whole bench near a minute.
        group.sample_size(10);
        group.bench_function(format!("decode {}", scale.name), |b| {
            // Freeing each decoded bundle before the next decode, outside the timing: as in the
            // browser loop (the allocator reuses the memory instead of faulting in fresh pages).
            b.iter_batched(|| (), |()| bundle::decode(black_box(&bytes)).ok(), BatchSize::PerIteration)
        });
    }
    group.finish();
}

criterion_group!(benches, bench_scale);
criterion_main!(benches);
