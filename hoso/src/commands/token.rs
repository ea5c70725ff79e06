//! `hoso token`: API tokens from the command line, run by whoever holds the server's
//! settings (hence acting as the system).

use std::process::ExitCode;

use hoso_pipeline::access::Caller;
use hoso_pipeline::registry::Role;

use crate::backends::Backends;
use crate::config::Settings;

pub async fn create(
    settings: Settings,
    name: &str,
    role: &str,
    types: &[String],
) -> anyhow::Result<ExitCode> {
    let role = Role::parse(role).ok_or_else(|| {
        anyhow::anyhow!("unknown role {role:?}: clerk, procedure_system, auditor or admin")
    })?;
    let backends = Backends::open(settings).await?;
    let (secret, token) = backends
        .service
        .create_token(&Caller::system(), name, role, types)
        .await?;
    eprintln!(
        "token {} ({}{}) created; its secret is shown only now:",
        token.name,
        token.role.as_str(),
        if token.document_types.is_empty() {
            String::new()
        } else {
            format!(
                ", reads {}",
                token
                    .document_types
                    .iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            )
        }
    );
    println!("{secret}");
    Ok(ExitCode::SUCCESS)
}

pub async fn list(settings: Settings, json: bool) -> anyhow::Result<ExitCode> {
    let backends = Backends::open(settings).await?;
    let tokens = backends.service.tokens(&Caller::system()).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&tokens)?);
        return Ok(ExitCode::SUCCESS);
    }
    let mut t = super::table(&["name", "role", "types", "created", "revoked"]);
    for tok in &tokens {
        t.add_row(vec![
            tok.name.clone(),
            tok.role.as_str().to_string(),
            tok.document_types
                .iter()
                .map(|d| d.as_str())
                .collect::<Vec<_>>()
                .join(","),
            crate::api::iso(tok.created_at_ms),
            tok.revoked_at_ms.map(crate::api::iso).unwrap_or_default(),
        ]);
    }
    println!("{t}");
    Ok(ExitCode::SUCCESS)
}

pub async fn revoke(settings: Settings, name: &str) -> anyhow::Result<ExitCode> {
    let backends = Backends::open(settings).await?;
    backends
        .service
        .revoke_token(&Caller::system(), name)
        .await?;
    println!("token {name} revoked");
    Ok(ExitCode::SUCCESS)
}
