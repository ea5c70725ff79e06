//! Local accounts of people (clerks, auditors, admins) and their sign-in sessions: the
//! `Accounts` port, the password rules and the service methods the web interface calls.
//!
//! Passwords are stored as argon2id PHC strings (RustCrypto's `argon2`, its default
//! parameters: 19 MiB, two passes, one lane, OWASP's minimum for argon2id). A session is a
//! 256-bit secret in a cookie, stored as its SHA-256 like API tokens, with its own CSRF
//! token. A session ends when it is idle too long, when it is too old, when its user signs
//! out, and when the user's password changes (it must have begun after the last change).
//! Failed sign-ins are slowed per account and per address (`throttle.rs`).

use std::time::Duration;

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use async_trait::async_trait;
use serde_json::json;

use crate::access::{new_secret, secret_sha256, Action, Caller};
use crate::audit::{by_caller, now_ms};
use crate::registry::{RegistryError, Role};
use crate::service::Service;
use crate::service_error::ServiceError;
use crate::throttle::Throttle;

/// A person who signs in to the web interface.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub name: String,
    pub role: Role,
    /// The argon2id PHC string.
    pub password_hash: String,
    pub password_changed_at_ms: i64,
    pub created_at_ms: i64,
}

/// A stored session: its user as read with it, and its lifetimes.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub user: User,
    pub csrf_token: String,
    pub created_at_ms: i64,
    pub last_seen_at_ms: i64,
    pub expires_at_ms: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewSession {
    pub secret_sha256: String,
    pub user_name: String,
    pub csrf_token: String,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
}

/// Where accounts and sessions are kept.
#[async_trait]
pub trait Accounts: Send + Sync {
    /// `UserExists` if the name is taken.
    async fn create_user(&self, user: &User) -> Result<(), RegistryError>;
    async fn user(&self, name: &str) -> Result<Option<User>, RegistryError>;
    async fn users(&self) -> Result<Vec<User>, RegistryError>;
    /// Sets the hash and the time of change, and deletes the user's sessions, in one
    /// transaction. `false` if there is no such user.
    async fn set_password(&self, name: &str, hash: &str, at_ms: i64)
        -> Result<bool, RegistryError>;
    async fn create_session(&self, session: &NewSession) -> Result<(), RegistryError>;
    async fn session(&self, secret_sha256: &str) -> Result<Option<Session>, RegistryError>;
    async fn touch_session(
        &self,
        secret_sha256: &str,
        seen_at_ms: i64,
        expires_at_ms: i64,
    ) -> Result<(), RegistryError>;
    async fn delete_session(&self, secret_sha256: &str) -> Result<(), RegistryError>;
}

/// How long sessions live.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SessionPolicy {
    /// Idle this long, a session ends.
    pub idle: Duration,
    /// Whatever its use, a session ends this long after sign-in: a working day.
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            idle: Duration::from_secs(30 * 60),
            absolute: Duration::from_secs(12 * 3600),
        }
    }
}

/// A session's last use is written at most this often, not on every page.
const TOUCH_EVERY_MS: i64 = 60_000;

pub const MIN_PASSWORD_CHARS: usize = 12;
const MAX_PASSWORD_BYTES: usize = 1024;

/// Roles a person may have; procedure systems use API tokens.
pub fn parse_user_role(raw: &str) -> Result<Role, ServiceError> {
    match raw {
        "clerk" => Ok(Role::Clerk),
        "auditor" => Ok(Role::Auditor),
        "admin" => Ok(Role::Admin),
        other => Err(ServiceError::Invalid(format!(
            "{other:?} is not a role for a person: clerk, auditor or admin"
        ))),
    }
}

/// A user name is shown in histories and the audit log: a conservative alphabet.
fn check_user_name(name: &str) -> Result<(), ServiceError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if ok {
        Ok(())
    } else {
        Err(ServiceError::Invalid(format!(
            "{name:?} is not a user name: 1 to 64 letters, digits, '.', '-' or '_'"
        )))
    }
}

fn check_password(password: &str) -> Result<(), ServiceError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(ServiceError::Invalid(format!(
            "a password needs at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(ServiceError::Invalid(format!(
            "a password may have at most {MAX_PASSWORD_BYTES} bytes"
        )));
    }
    Ok(())
}

/// argon2id takes 19 MiB and tens of milliseconds a hash: at most this many at once, so
/// that a flood of sign-ins queues instead of taking the machine's memory.
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);

/// argon2id is meant to be slow (tens of milliseconds): off the async runtime.
async fn hash_password(password: &str) -> Result<String, ServiceError> {
    let password = password.to_string();
    let _permit = HASHING
        .acquire()
        .await
        .map_err(|e| ServiceError::Invalid(format!("password hashing stopped: {e}")))?;
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| ServiceError::Invalid(format!("cannot hash the password: {e}")))
    })
    .await
    .map_err(|e| ServiceError::Invalid(format!("password hashing stopped: {e}")))?
}

/// Whether `password` matches `hash`. A missing user is checked against a fixed hash, so
/// that the answer takes as long as for a real one and does not tell names apart.
async fn password_matches(password: &str, hash: Option<String>) -> bool {
    let password = password.to_string();
    let Ok(_permit) = HASHING.acquire().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| DUMMY_HASH.to_string());
        let Ok(parsed) = PasswordHash::new(&hash) else {
            return false;
        };
        known
            && Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
    })
    .await
    .unwrap_or(false)
}

/// The argon2id hash of a random password nobody knows, with the default parameters.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Lw7S2wPvbn/u8BSHvBtHq6Yc7Gq5G2zg+3M0rQgn0Zk";

/// What a successful sign-in hands the browser: the session secret (the cookie) and the
/// CSRF token of its forms.
#[derive(Debug, Clone, PartialEq)]
pub struct SignedIn {
    pub secret: String,
    pub csrf_token: String,
    pub caller: Caller,
}

/// A live session as a request sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionCaller {
    pub caller: Caller,
    pub csrf_token: String,
}

impl Service {
    pub(crate) fn accounts_or_err(&self) -> Result<&std::sync::Arc<dyn Accounts>, ServiceError> {
        self.accounts().ok_or(ServiceError::NoRegistry)
    }

    /// `hoso user create`: a new person with a role and a password.
    pub async fn create_user(
        &self,
        caller: &Caller,
        name: &str,
        role: Role,
        password: &str,
    ) -> Result<User, ServiceError> {
        self.authorize(caller, Action::ManageAccounts)?;
        check_user_name(name)?;
        if role == Role::ProcedureSystem {
            return Err(ServiceError::Invalid(
                "procedure systems sign in with api tokens (hoso token create), not passwords"
                    .to_string(),
            ));
        }
        check_password(password)?;
        let now = now_ms();
        let user = User {
            name: name.to_string(),
            role,
            password_hash: hash_password(password).await?,
            password_changed_at_ms: now,
            created_at_ms: now,
        };
        self.accounts_or_err()?.create_user(&user).await?;
        self.audit(by_caller(
            caller,
            "user.created",
            None,
            None,
            json!({"user": name, "role": role.as_str()}),
        ))
        .await?;
        Ok(user)
    }

    pub async fn users(&self, caller: &Caller) -> Result<Vec<User>, ServiceError> {
        self.authorize(caller, Action::ManageAccounts)?;
        Ok(self.accounts_or_err()?.users().await?)
    }

    /// Sets a new password; every session of the user ends with it.
    pub async fn change_password(
        &self,
        caller: &Caller,
        name: &str,
        password: &str,
    ) -> Result<(), ServiceError> {
        if caller.name != name {
            self.authorize(caller, Action::ManageAccounts)?;
        }
        check_password(password)?;
        let hash = hash_password(password).await?;
        if !self
            .accounts_or_err()?
            .set_password(name, &hash, now_ms())
            .await?
        {
            return Err(ServiceError::NotFound(format!("user {name}")));
        }
        self.audit(by_caller(
            caller,
            "user.password_changed",
            None,
            None,
            json!({"user": name}),
        ))
        .await
    }

    /// Checks a name and password from `address`. Refused at once while either is
    /// throttled; a failure makes both wait longer.
    pub async fn sign_in(
        &self,
        name: &str,
        password: &str,
        address: &str,
    ) -> Result<SignedIn, ServiceError> {
        // A name no account can have is refused before it takes a place in the throttle.
        if name.is_empty() || name.len() > 64 || password.len() > MAX_PASSWORD_BYTES {
            return Err(ServiceError::SignInFailed);
        }
        let account_key = name.to_lowercase();
        let accounts_throttle: &Throttle = &self.sign_ins;
        let addresses_throttle: &Throttle = &self.sign_in_addresses;
        if let Some(wait) = accounts_throttle
            .wait(&account_key)
            .max(addresses_throttle.wait(address))
        {
            return Err(ServiceError::Throttled {
                retry_after_s: wait.as_secs().max(1),
            });
        }
        let accounts = self.accounts_or_err()?;
        let user = accounts.user(name).await?;
        let Some(user) = user else {
            // Same work as a wrong password for a real user.
            password_matches(password, None).await;
            accounts_throttle.fail(&account_key);
            addresses_throttle.fail(address);
            return Err(ServiceError::SignInFailed);
        };
        if !password_matches(password, Some(user.password_hash.clone())).await {
            accounts_throttle.fail(&account_key);
            addresses_throttle.fail(address);
            return Err(ServiceError::SignInFailed);
        }
        accounts_throttle.succeed(&account_key);
        let secret = new_secret();
        let csrf_token = new_secret();
        let now = now_ms();
        accounts
            .create_session(&NewSession {
                secret_sha256: secret_sha256(&secret),
                user_name: user.name.clone(),
                csrf_token: csrf_token.clone(),
                created_at_ms: now,
                expires_at_ms: now + self.session_policy.idle.as_millis() as i64,
            })
            .await?;
        let caller = user_caller(&user);
        self.audit(by_caller(&caller, "session.started", None, None, json!({})))
            .await?;
        Ok(SignedIn {
            secret,
            csrf_token,
            caller,
        })
    }

    /// The person behind a session cookie, if the session is still alive. Extends an idle
    /// session's life, never past its absolute end.
    pub async fn session(&self, secret: &str) -> Result<SessionCaller, ServiceError> {
        let secret = secret.trim();
        if secret.is_empty() || secret.len() > 200 {
            return Err(ServiceError::Unauthorized);
        }
        let sha = secret_sha256(secret);
        let accounts = self.accounts_or_err()?;
        let session = accounts
            .session(&sha)
            .await?
            .ok_or(ServiceError::Unauthorized)?;
        let now = now_ms();
        let absolute_end = session.created_at_ms + self.session_policy.absolute.as_millis() as i64;
        let alive = now < session.expires_at_ms
            && now < absolute_end
            && session.created_at_ms >= session.user.password_changed_at_ms;
        if !alive {
            accounts.delete_session(&sha).await?;
            return Err(ServiceError::Unauthorized);
        }
        if now - session.last_seen_at_ms >= TOUCH_EVERY_MS {
            let expires = (now + self.session_policy.idle.as_millis() as i64).min(absolute_end);
            accounts.touch_session(&sha, now, expires).await?;
        }
        Ok(SessionCaller {
            caller: user_caller(&session.user),
            csrf_token: session.csrf_token,
        })
    }

    pub async fn sign_out(&self, caller: &Caller, secret: &str) -> Result<(), ServiceError> {
        self.accounts_or_err()?
            .delete_session(&secret_sha256(secret.trim()))
            .await?;
        self.audit(by_caller(caller, "session.ended", None, None, json!({})))
            .await
    }
}

fn user_caller(user: &User) -> Caller {
    Caller {
        name: user.name.clone(),
        role: user.role,
        document_types: Vec::new(),
        purpose: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passwords_are_argon2id_and_verify() {
        let hash = hash_password("correct horse battery").await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(password_matches("correct horse battery", Some(hash.clone())).await);
        assert!(!password_matches("correct horse batterY", Some(hash)).await);
        assert!(!password_matches("anything", None).await);
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[test]
    fn names_roles_and_passwords_are_checked() {
        assert!(check_user_name("lan.nguyen").is_ok());
        for bad in ["", "lan nguyen", "lan/../x", &"a".repeat(65)] {
            assert!(check_user_name(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_user_role("clerk").unwrap(), Role::Clerk);
        assert!(parse_user_role("procedure_system").is_err());
        assert!(check_password("short").is_err());
        assert!(check_password("twelve chars").is_ok());
    }
}
