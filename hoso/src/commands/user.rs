//! `hoso user`: people's accounts for the web interface, run by whoever holds the
//! server's settings (hence acting as the system).

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use anyhow::Context;
use hoso_pipeline::access::Caller;
use hoso_pipeline::accounts::parse_user_role;

use crate::backends::Backends;
use crate::config::Settings;

/// The new password: asked twice at a terminal, else the first line of standard input
/// (so that scripts and tests can pipe it in; it never appears in arguments or the
/// environment, which other users of the machine can read).
fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("new password: ")?;
        let again = rpassword::prompt_password("the same again: ")?;
        anyhow::ensure!(first == again, "the two passwords differ");
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        Ok(line.trim_end_matches(['\n', '\r']).to_string())
    }
}

pub async fn create(settings: Settings, name: &str, role: &str) -> anyhow::Result<ExitCode> {
    let role = parse_user_role(role)?;
    let password = read_password()?;
    let backends = Backends::open(settings).await?;
    let user = backends
        .service
        .create_user(&Caller::system(), name, role, &password)
        .await?;
    eprintln!("user {} ({}) created", user.name, user.role.as_str());
    Ok(ExitCode::SUCCESS)
}

pub async fn password(settings: Settings, name: &str) -> anyhow::Result<ExitCode> {
    let password = read_password()?;
    let backends = Backends::open(settings).await?;
    backends
        .service
        .change_password(&Caller::system(), name, &password)
        .await?;
    eprintln!("password of {name} changed; its sessions have ended");
    Ok(ExitCode::SUCCESS)
}

pub async fn list(settings: Settings) -> anyhow::Result<ExitCode> {
    let backends = Backends::open(settings).await?;
    let users = backends.service.users(&Caller::system()).await?;
    let mut table = super::table(&["name", "role", "created", "password changed"]);
    for u in &users {
        table.add_row(vec![
            u.name.clone(),
            u.role.as_str().to_string(),
            crate::api::iso(u.created_at_ms),
            crate::api::iso(u.password_changed_at_ms),
        ]);
    }
    println!("{table}");
    Ok(ExitCode::SUCCESS)
}
