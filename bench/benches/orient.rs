//! `orient` on a national-size directory: 18,000 actors over the real 34,969 communes.
//!
//! The actors are the real ones of `data/real` (Charente, Nouvelle-Aquitaine, Auvergne-Rhône-Alpes),
//! replicated onto the real commune grid (each copy moved to another commune's centre), so the
//! mix of services, modes and hours is real while the count is national.
//!
//! Run: `cargo bench -p aiguillage-bench --bench orient`

use std::hint::black_box;

use aiguillage_engine::calendar::LocalDateTime;
use aiguillage_engine::vocab::Autonomy;
use aiguillage_engine::{orient, Actor, Directory, Profile, Territory};
use aiguillage_import::{project, reference};
use criterion::{criterion_group, criterion_main, Criterion};

/// The national directory: the real actors replicated onto every commune of France.
fn national_directory(count: usize) -> (aiguillage_engine::Communes, Vec<Actor>) {
    let communes = reference::france();
    let templates = aiguillage_bench::templates(&communes);
    let actors = aiguillage_bench::replicate(&templates, &communes, count);
    (communes, actors)
}

fn bench_orient(c: &mut Criterion) {
    let (taxonomy, _, rules) = project::shipped().expect("shipped data");
    let (communes, actors) = national_directory(18_000);
    let directory = Directory::new(actors, &communes);
    let territory = Territory { communes: &communes, taxonomy: &taxonomy, directory: &directory, rules: &rules };
    let needs = ["demarches", "demarches-impots", "emploi", "bases-numeriques", "materiel", "securite", "entreprise"];
    let autonomies = [None, Some(Autonomy::Learn), Some(Autonomy::Help), Some(Autonomy::ForMe)];
    let placed: Vec<_> = communes.iter().filter(|c| c.point.is_some()).collect();
    let profiles: Vec<Profile> = (0..256)
        .map(|i| Profile {
            commune: placed[(i * 104_729) % placed.len()].insee.to_string(),
            need: needs[i % needs.len()].to_string(),
            autonomy: autonomies[i % autonomies.len()],
            ..Profile::default()
        })
        .collect();
    let at = LocalDateTime::parse("2026-12-01T10:00").unwrap();
    let mut next = 0;
    c.bench_function("orient national 18000 actors", |b| {
        b.iter(|| {
            next = (next + 1) % profiles.len();
            black_box(orient(territory, black_box(&profiles[next]), at, 5).ok())
        })
    });
}

criterion_group!(benches, bench_orient);
criterion_main!(benches);
