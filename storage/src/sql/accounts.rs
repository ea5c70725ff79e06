//! The `Accounts` port: people's accounts and their sign-in sessions.

use async_trait::async_trait;
use hoso_pipeline::accounts::{Accounts, NewSession, Session, User};
use hoso_pipeline::registry::RegistryError;

use super::error::db;
use super::SqlCatalog;
use crate::codec::role_from_str;

#[derive(sqlx::FromRow)]
struct UserRow {
    name: String,
    role: String,
    password_hash: String,
    password_changed_at: i64,
    created_at: i64,
}

impl UserRow {
    fn into_user(self) -> Result<User, RegistryError> {
        Ok(User {
            role: role_from_str(&self.role)?,
            name: self.name,
            password_hash: self.password_hash,
            password_changed_at_ms: self.password_changed_at,
            created_at_ms: self.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    #[sqlx(flatten)]
    user: UserRow,
    csrf_token: String,
    session_created_at: i64,
    last_seen_at: i64,
    expires_at: i64,
}

const USERS_SELECT: &str =
    "SELECT name, role, password_hash, password_changed_at, created_at FROM users";

#[async_trait]
impl Accounts for SqlCatalog {
    async fn create_user(&self, u: &User) -> Result<(), RegistryError> {
        let inserted: Option<String> = sqlx::query_scalar(
            "INSERT INTO users (name, role, password_hash, password_changed_at, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO NOTHING RETURNING name",
        )
        .bind(&u.name)
        .bind(u.role.as_str())
        .bind(&u.password_hash)
        .bind(u.password_changed_at_ms)
        .bind(u.created_at_ms)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        match inserted {
            Some(_) => Ok(()),
            None => Err(RegistryError::UserExists(u.name.clone())),
        }
    }

    async fn user(&self, name: &str) -> Result<Option<User>, RegistryError> {
        let row = sqlx::query_as::<_, UserRow>(&format!("{USERS_SELECT} WHERE name = $1"))
            .bind(name)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.map(UserRow::into_user).transpose()
    }

    async fn users(&self) -> Result<Vec<User>, RegistryError> {
        sqlx::query_as::<_, UserRow>(&format!("{USERS_SELECT} ORDER BY name"))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?
            .into_iter()
            .map(UserRow::into_user)
            .collect()
    }

    async fn set_password(
        &self,
        name: &str,
        hash: &str,
        at_ms: i64,
    ) -> Result<bool, RegistryError> {
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE name = $3",
        )
        .bind(hash)
        .bind(at_ms)
        .bind(name)
        .execute(&mut *tx)
        .await
        .map_err(db)?
        .rows_affected();
        sqlx::query("DELETE FROM sessions WHERE user_name = $1")
            .bind(name)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(changed == 1)
    }

    async fn create_session(&self, s: &NewSession) -> Result<(), RegistryError> {
        sqlx::query(
            "INSERT INTO sessions (secret_sha256, user_name, csrf_token, created_at, \
             last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $4, $5)",
        )
        .bind(&s.secret_sha256)
        .bind(&s.user_name)
        .bind(&s.csrf_token)
        .bind(s.created_at_ms)
        .bind(s.expires_at_ms)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn session(&self, secret_sha256: &str) -> Result<Option<Session>, RegistryError> {
        let row = sqlx::query_as::<_, SessionRow>(
            "SELECT u.name, u.role, u.password_hash, u.password_changed_at, u.created_at, \
             s.csrf_token, s.created_at AS session_created_at, s.last_seen_at, s.expires_at \
             FROM sessions s JOIN users u ON u.name = s.user_name WHERE s.secret_sha256 = $1",
        )
        .bind(secret_sha256)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        row.map(|r| {
            Ok(Session {
                user: r.user.into_user()?,
                csrf_token: r.csrf_token,
                created_at_ms: r.session_created_at,
                last_seen_at_ms: r.last_seen_at,
                expires_at_ms: r.expires_at,
            })
        })
        .transpose()
    }

    async fn touch_session(
        &self,
        secret_sha256: &str,
        seen_at_ms: i64,
        expires_at_ms: i64,
    ) -> Result<(), RegistryError> {
        sqlx::query(
            "UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE secret_sha256 = $3",
        )
        .bind(seen_at_ms)
        .bind(expires_at_ms)
        .bind(secret_sha256)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn delete_session(&self, secret_sha256: &str) -> Result<(), RegistryError> {
        sqlx::query("DELETE FROM sessions WHERE secret_sha256 = $1")
            .bind(secret_sha256)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }
}
