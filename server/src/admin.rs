//! The commands a server's administrator types: `user add|list|remove|password` for the
//! workspace's accounts, `corrections export`. Each reads the server's configuration for where
//! the workspace database is.

use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};

use aiguillage_workspace::{accounts, Account, Store};

use crate::config::Config;

pub const USAGE: &str = "usage:
  aiguillage-server user add NAME --territory 16[,86] --config FILE   (password asked twice, or one line on standard input)
  aiguillage-server user list --config FILE
  aiguillage-server user remove NAME --config FILE
  aiguillage-server user password NAME --config FILE
  aiguillage-server corrections export --config FILE [--out FILE]";

/// Runs `args` (after the program's name) if they are an administrator's command: `None` when
/// they are not one, else what to print or the error.
pub fn run(args: &[String]) -> Option<Result<String, String>> {
    let (command, rest) = match args {
        [group, verb, rest @ ..] if group == "user" || group == "corrections" => {
            ((group.as_str(), verb.as_str()), rest)
        }
        _ => return None,
    };
    Some(run_command(command, rest))
}

fn run_command(command: (&str, &str), rest: &[String]) -> Result<String, String> {
    let mut config_path = None;
    let mut territory = None;
    let mut out = None;
    let mut names = Vec::new();
    let mut words = rest.iter();
    while let Some(word) = words.next() {
        let mut next = |flag: &str| words.next().cloned().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"));
        match word.as_str() {
            "--config" => config_path = Some(PathBuf::from(next("--config")?)),
            "--territory" => territory = Some(next("--territory")?),
            "--out" => out = Some(PathBuf::from(next("--out")?)),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}\n{USAGE}")),
            name => names.push(name.to_owned()),
        }
    }
    let config_path = config_path.ok_or_else(|| format!("--config FILE is needed\n{USAGE}"))?;
    let config = Config::load(&config_path).map_err(|e| e.to_string())?;
    let store = Store::open(&config.workspace.database).map_err(|e| e.to_string())?;
    let name = || match names.as_slice() {
        [name] => accounts::check_name(name).map(|()| name.clone()),
        _ => Err(format!("one account name is needed\n{USAGE}")),
    };
    let now = crate::statistics::system_clock();
    match command {
        ("user", "add") => {
            let name = name()?;
            let territories = accounts::parse_territories(
                territory.as_deref().ok_or_else(|| format!("--territory is needed, e.g. --territory 16\n{USAGE}"))?,
            )?;
            let hash = accounts::hash_password(&read_password()?)?;
            let account = Account { name: name.clone(), territories };
            store.add_account(&account, &hash, now).map_err(|e| e.to_string())?;
            Ok(format!("account {name} added for {}", account.territories.join(", ")))
        }
        ("user", "list") => {
            let listed = store.accounts().map_err(|e| e.to_string())?;
            if listed.is_empty() {
                return Ok("no account yet: aiguillage-server user add NAME --territory 16 --config FILE".into());
            }
            Ok(listed.iter().map(|a| format!("{}\t{}", a.name, a.territories.join(","))).collect::<Vec<_>>().join("\n"))
        }
        ("user", "remove") => {
            let name = name()?;
            if store.remove_account(&name).map_err(|e| e.to_string())? {
                Ok(format!("account {name} removed (its sessions end; the journal keeps its changes)"))
            } else {
                Err(format!("no account is named {name} (see `user list`)"))
            }
        }
        ("user", "password") => {
            let name = name()?;
            if store.account(&name).map_err(|e| e.to_string())?.is_none() {
                return Err(format!("no account is named {name} (see `user list`)"));
            }
            let hash = accounts::hash_password(&read_password()?)?;
            store.set_password(&name, &hash).map_err(|e| e.to_string())?;
            Ok(format!("password of {name} changed; its sessions have ended"))
        }
        ("corrections", "export") => {
            let corrections = store.corrections(None).map_err(|e| e.to_string())?;
            let today = aiguillage_engine::calendar::paris_from_unix(now).date.to_string();
            let text = aiguillage_workspace::export::to_toml(&corrections, &today)?;
            match out {
                Some(path) => write(&path, &text)
                    .map(|()| format!("{} corrections written to {}", corrections.len(), path.display())),
                None => Ok(text.trim_end().to_owned()),
            }
        }
        _ => Err(USAGE.to_owned()),
    }
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The new password: asked twice on a terminal, else the first line of standard input.
fn read_password() -> Result<String, String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Mot de passe : ").map_err(|e| e.to_string())?;
        let second = rpassword::prompt_password("Mot de passe, de nouveau : ").map_err(|e| e.to_string())?;
        if first != second {
            return Err("the two passwords differ: nothing was changed".into());
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| format!("cannot read the password: {e}"))?;
    Ok(line.trim_end_matches(['\n', '\r']).to_owned())
}
