fn main() {
    let bytes = std::fs::read("target/bench/scale-100.bin").unwrap();
    for _ in 0..3 {
        let b = aiguillage_engine::bundle::decode(&bytes).unwrap();
        std::hint::black_box(&b);
    }
}
