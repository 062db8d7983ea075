//! A widget folder for the tests: the built widget's loader and the default bundle
//! (`cargo xtask dist` first; `cargo xtask test` does), copied into a fresh folder that the test
//! may change (publish a bundle), with its configuration.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub const BEACON: &str =
    r#"{"need":"demarches-caf","commune":"16292","results":5,"nearest_km":1.2,"lang":"fr","mode":"resident"}"#;

pub fn dist() -> PathBuf {
    let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/dist/widget");
    assert!(dist.join("data/default.bin").is_file(), "build the widget first: cargo xtask dist");
    dist
}

/// A fresh folder `name` with `widget/` (loader, default bundle and its copies) and a config.
pub fn site(name: &str, extra: &str) -> (PathBuf, PathBuf) {
    let root = std::env::temp_dir().join(format!("aiguillage-server-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("widget/data")).unwrap();
    let dist = dist();
    for file in ["aiguillage.js", "embed.html", "embed.js", "integrer.html"] {
        std::fs::copy(dist.join(file), root.join("widget").join(file)).unwrap();
    }
    for file in ["default.bin", "default.bin.br", "default.bin.gz", "default.bin.sha256"] {
        std::fs::copy(dist.join("data").join(file), root.join("widget/data").join(file)).unwrap();
    }
    let config = root.join("aiguillage.toml");
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:0\"\nwidget_dir = \"widget\"\nallowed_origins = [\"https://www.ruffec.fr\"]\n{extra}"
        ),
    )
    .unwrap();
    (root, config)
}

/// One HTTP/1.1 request over a fresh connection; the status and the body.
pub fn request(address: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

pub fn beacon(address: SocketAddr, body: &str) -> u16 {
    request(address, "POST", "/stats", &[("Content-Type", "text/plain;charset=UTF-8")], body.as_bytes()).0
}
