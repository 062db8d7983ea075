//! A small HTTP server on 127.0.0.1 for the publishing tests: each path answers as a source
//! would (a file with its validators, pages, an error, a time-out, an error page with status
//! 200), and every request is recorded.

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

#[derive(Clone)]
pub enum Answer {
    /// A file with an ETag and a Last-Modified, answering 304 to either validator.
    File {
        bytes: Vec<u8>,
        content_type: &'static str,
    },
    Status(u16),
    /// Waits this long before answering (longer than the client's time-out).
    Sleep(Duration),
    /// A portal's maintenance page, with status 200.
    HtmlPage,
    /// Records served by `limit`/`offset` (Opendatasoft) or `page`/`size` (data·inclusion).
    OffsetPages(Vec<Value>),
    PagePages(Vec<Value>),
}

#[derive(Clone, Debug)]
pub struct Request {
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    /// The status answered.
    pub status: u16,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

pub struct Server {
    pub address: SocketAddr,
    routes: Arc<Mutex<HashMap<String, Answer>>>,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    pub fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let routes: Arc<Mutex<HashMap<String, Answer>>> = Arc::default();
        let requests: Arc<Mutex<Vec<Request>>> = Arc::default();
        let (r, q) = (routes.clone(), requests.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (r, q) = (r.clone(), q.clone());
                std::thread::spawn(move || serve(stream, &r, &q));
            }
        });
        Server { address, routes, requests }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub fn set(&self, path: &str, answer: Answer) {
        self.routes.lock().unwrap().insert(path.to_string(), answer);
    }

    /// The requests made since the last call.
    pub fn take_requests(&self) -> Vec<Request> {
        std::mem::take(&mut *self.requests.lock().unwrap())
    }
}

fn serve(stream: TcpStream, routes: &Mutex<HashMap<String, Answer>>, requests: &Mutex<Vec<Request>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() {
        return;
    }
    let target = first.split_whitespace().nth(1).unwrap_or("/").to_string();
    let (path, query) = target.split_once('?').map_or((target.clone(), String::new()), |(p, q)| (p.into(), q.into()));
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    let answer = routes.lock().unwrap().get(&path).cloned().unwrap_or(Answer::Status(404));
    let mut request = Request { path, query: query.clone(), headers, status: 0 };
    let param = |name: &str| -> Option<usize> {
        query.split('&').find_map(|kv| kv.strip_prefix(name)?.strip_prefix('=')?.parse().ok())
    };
    let (status, content_type, body, extra): (u16, &str, Vec<u8>, Vec<String>) = match answer {
        Answer::File { bytes, content_type } => {
            let etag =
                format!("\"{:x}\"", bytes.iter().fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(*b))));
            let modified = "Mon, 30 Nov 2026 10:00:00 GMT";
            let fresh = request.header("if-none-match") == Some(etag.as_str())
                || (request.header("if-none-match").is_none() && request.header("if-modified-since") == Some(modified));
            let extra = vec![format!("ETag: {etag}"), format!("Last-Modified: {modified}")];
            if fresh {
                (304, content_type, Vec::new(), extra)
            } else {
                (200, content_type, bytes, extra)
            }
        }
        Answer::Status(code) => (code, "text/plain", b"error".to_vec(), Vec::new()),
        Answer::Sleep(duration) => {
            std::thread::sleep(duration);
            (200, "text/csv", b"id,nom\n".to_vec(), Vec::new())
        }
        Answer::HtmlPage => (
            200,
            "text/html; charset=utf-8",
            b"<!DOCTYPE html><html><head><title>Maintenance</title></head><body>Service indisponible</body></html>"
                .to_vec(),
            Vec::new(),
        ),
        Answer::OffsetPages(records) => {
            let limit = param("limit").unwrap_or(10).min(100);
            let offset = param("offset").unwrap_or(0);
            let page: Vec<&Value> = records.iter().skip(offset).take(limit).collect();
            let body = serde_json::json!({"total_count": records.len(), "results": page});
            (200, "application/json; charset=utf-8", body.to_string().into_bytes(), Vec::new())
        }
        Answer::PagePages(records) => {
            let size = param("size").unwrap_or(10).max(1);
            let page = param("page").unwrap_or(1).max(1);
            let items: Vec<&Value> = records.iter().skip((page - 1) * size).take(size).collect();
            let pages = records.len().div_ceil(size);
            let body =
                serde_json::json!({"items": items, "total": records.len(), "page": page, "size": size, "pages": pages});
            (200, "application/json", body.to_string().into_bytes(), Vec::new())
        }
    };
    request.status = status;
    requests.lock().unwrap().push(request);
    let mut head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for line in extra {
        head.push_str(&line);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    let mut stream = stream;
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

/// The repository's root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

pub fn real(name: &str) -> Vec<u8> {
    std::fs::read(root().join("data/real").join(name)).unwrap()
}

/// The rows of the national France Services list (2024-08-01) in these départements, with its
/// header: the list as data.gouv.fr serves it, cut so that the tests stay quick.
pub fn france_services(departements: &[&str]) -> Vec<u8> {
    let text = String::from_utf8(real("france-services-2024-08-01.csv")).unwrap();
    let mut lines = text.lines();
    let mut out = String::from(lines.next().unwrap());
    out.push('\n');
    for line in lines {
        let departement = line.split(',').nth(1).unwrap_or("").trim_matches('"');
        if departements.contains(&departement) {
            out.push_str(line);
            out.push('\n');
        }
    }
    out.into_bytes()
}

/// The Conseillers numériques' places of Nouvelle-Aquitaine (2022) in these départements.
pub fn conseillers(departements: &[&str]) -> Vec<u8> {
    let all: Vec<Value> = serde_json::from_slice(&real("conseillers-numeriques-nouvelle-aquitaine-2022.json")).unwrap();
    let kept: Vec<Value> = all
        .into_iter()
        .filter(|r| departements.iter().any(|d| r["code_postal"].as_str().unwrap_or("").starts_with(d)))
        .collect();
    serde_json::to_vec_pretty(&kept).unwrap()
}

/// The real 2019 Annuaire extract of Charente (its services, town halls aside), as the records
/// API of the current Annuaire returns them: nested fields written as JSON text.
pub fn annuaire_records() -> Vec<Value> {
    let bytes = real("annuaire-service-public-2019-charente.csv");
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let mut records = Vec::new();
    for row in reader.records() {
        let row = row.unwrap();
        let (id, name, email, notes, tag) = (&row[0], &row[1], &row[2], &row[3], &row[5]);
        if tag == "mairie" {
            continue;
        }
        let insee = id.split('-').nth(1).unwrap_or("");
        let mut street = String::new();
        let mut postal_code = String::new();
        let mut town = String::new();
        let mut phone = String::new();
        for part in notes.split(" | ") {
            if let Some(address) = part.strip_prefix("Adresse : ") {
                let pieces: Vec<&str> = address.rsplitn(3, ", ").collect();
                if pieces.len() == 3 {
                    town = pieces[0].to_string();
                    postal_code = pieces[1].to_string();
                    street = pieces[2].to_string();
                }
            } else if let Some(number) = part.strip_prefix("Tél : ") {
                phone = number.to_string();
            }
        }
        let pivot = serde_json::json!([{"type_service_local": tag, "code_insee_commune": [insee]}]);
        let address = serde_json::json!([{"type_adresse": "Adresse", "numero_voie": street, "code_postal": postal_code, "nom_commune": town, "pays": "France"}]);
        let telephone = serde_json::json!([{"valeur": phone, "description": ""}]);
        records.push(serde_json::json!({
            "id": id,
            "nom": name,
            "pivot": pivot.to_string(),
            "code_insee_commune": insee,
            "adresse": address.to_string(),
            "telephone": if phone.is_empty() { Value::Null } else { Value::String(telephone.to_string()) },
            "adresse_courriel": if email.is_empty() { Value::Null } else { Value::String(email.to_string()) },
            "plage_ouverture": Value::Null,
            "date_modification": "2019-10-01",
        }));
    }
    records
}
