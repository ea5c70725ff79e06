//! People's accounts and sessions through the service layer, on every backend: sign-in
//! with argon2id passwords, failures slowed per account, sessions that end on sign-out,
//! on a password change, when idle and when too old.

use std::sync::Arc;
use std::time::Duration;

use hoso_pipeline::access::Caller;
use hoso_pipeline::accounts::{Accounts, SessionPolicy};
use hoso_pipeline::ports::{Catalog, ObjectStore};
use hoso_pipeline::records::{ErrorKind, ServiceError};
use hoso_pipeline::registry::{Registry, Role};
use hoso_pipeline::service::Service;
use hoso_pipeline::Limits;

const PASSWORD: &str = "correct horse battery staple";

fn service<C>(c: &Arc<C>, store: &Arc<dyn ObjectStore>, policy: SessionPolicy) -> Service
where
    C: Catalog + Registry + Accounts + 'static,
{
    Service::new(c.clone(), Arc::clone(store), Limits::default())
        .with_registry(c.clone())
        .with_accounts(c.clone(), policy)
}

pub async fn run<C>(c: Arc<C>, store: Arc<dyn ObjectStore>)
where
    C: Catalog + Registry + Accounts + 'static,
{
    let s = service(&c, &store, SessionPolicy::default());
    accounts_are_made_once_and_checked(&s).await;
    sessions_work_until_signed_out_or_the_password_changes(&s).await;
    failed_sign_ins_are_slowed_per_account(&s).await;
    let idle = SessionPolicy {
        idle: Duration::from_millis(800),
        absolute: Duration::from_secs(3600),
    };
    a_session_ends_when(&service(&c, &store, idle), "idle").await;
    let old = SessionPolicy {
        idle: Duration::from_secs(3600),
        absolute: Duration::from_millis(800),
    };
    a_session_ends_when(&service(&c, &store, old), "old").await;
}

async fn accounts_are_made_once_and_checked(s: &Service) {
    let system = Caller::system();
    let user = s
        .create_user(&system, "lan", Role::Clerk, PASSWORD)
        .await
        .unwrap();
    assert!(user.password_hash.starts_with("$argon2id$"));
    assert!(!user.password_hash.contains(PASSWORD));
    let again = s.create_user(&system, "lan", Role::Auditor, PASSWORD).await;
    assert_eq!(again.unwrap_err().kind(), ErrorKind::Conflict);
    for (name, role, password) in [
        ("bad name", Role::Clerk, PASSWORD),
        ("ps", Role::ProcedureSystem, PASSWORD),
        ("short", Role::Clerk, "short"),
    ] {
        let refused = s.create_user(&system, name, role, password).await;
        assert_eq!(refused.unwrap_err().kind(), ErrorKind::BadRequest, "{name}");
    }
    let clerk = Caller {
        name: "lan".into(),
        role: Role::Clerk,
        document_types: vec![],
        purpose: None,
    };
    let refused = s.create_user(&clerk, "mai", Role::Admin, PASSWORD).await;
    assert_eq!(refused.unwrap_err().kind(), ErrorKind::Forbidden);
    assert_eq!(s.users(&system).await.unwrap().len(), 1);
}

async fn sessions_work_until_signed_out_or_the_password_changes(s: &Service) {
    let wrong = s.sign_in("lan", "not the password", "10.0.0.1").await;
    assert!(matches!(wrong, Err(ServiceError::SignInFailed)));
    let nobody = s.sign_in("nobody", PASSWORD, "10.0.0.1").await;
    assert!(matches!(nobody, Err(ServiceError::SignInFailed)));

    let first = s.sign_in("lan", PASSWORD, "10.0.0.1").await.unwrap();
    let second = s.sign_in("lan", PASSWORD, "10.0.0.2").await.unwrap();
    assert_ne!(first.secret, second.secret);
    assert_ne!(first.csrf_token, first.secret);
    let live = s.session(&first.secret).await.unwrap();
    assert_eq!(
        (live.caller.name.as_str(), live.caller.role),
        ("lan", Role::Clerk)
    );
    assert_eq!(live.csrf_token, first.csrf_token);

    s.sign_out(&live.caller, &first.secret).await.unwrap();
    assert!(matches!(
        s.session(&first.secret).await,
        Err(ServiceError::Unauthorized)
    ));
    assert!(
        s.session(&second.secret).await.is_ok(),
        "other sessions go on"
    );

    s.change_password(&Caller::system(), "lan", "a new and longer password")
        .await
        .unwrap();
    assert!(matches!(
        s.session(&second.secret).await,
        Err(ServiceError::Unauthorized)
    ));
    assert!(s.sign_in("lan", PASSWORD, "10.0.0.3").await.is_err());
    let renewed = s
        .sign_in("lan", "a new and longer password", "10.0.0.3")
        .await
        .unwrap();
    assert!(s.session(&renewed.secret).await.is_ok());
    assert!(matches!(
        s.session("hoso_forged").await,
        Err(ServiceError::Unauthorized)
    ));
}

async fn failed_sign_ins_are_slowed_per_account(s: &Service) {
    s.create_user(&Caller::system(), "binh", Role::Auditor, PASSWORD)
        .await
        .unwrap();
    for i in 0..3 {
        let address = format!("10.1.0.{i}");
        let r = s.sign_in("binh", "guess", &address).await;
        assert!(matches!(r, Err(ServiceError::SignInFailed)), "{i}");
    }
    // From a fresh address and with the right password: the account waits first.
    let r = s.sign_in("binh", PASSWORD, "10.1.0.9").await;
    assert!(matches!(r, Err(ServiceError::Throttled { .. })), "{r:?}");
    assert_eq!(r.unwrap_err().kind(), ErrorKind::TooManyRequests);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert!(s.sign_in("binh", PASSWORD, "10.1.0.9").await.is_ok());

    // One address guessing across many names waits too, after more tries.
    for i in 0..10 {
        let r = s.sign_in(&format!("guess{i}"), "guess", "10.3.0.1").await;
        assert!(matches!(r, Err(ServiceError::SignInFailed)), "{i}");
    }
    let r = s.sign_in("binh", PASSWORD, "10.3.0.1").await;
    assert!(matches!(r, Err(ServiceError::Throttled { .. })), "{r:?}");
    assert!(s.sign_in("binh", PASSWORD, "10.3.0.2").await.is_ok());
}

async fn a_session_ends_when(s: &Service, why: &str) {
    let name = format!("user-{why}");
    s.create_user(&Caller::system(), &name, Role::Clerk, PASSWORD)
        .await
        .unwrap();
    let signed = s.sign_in(&name, PASSWORD, "10.2.0.1").await.unwrap();
    assert!(s.session(&signed.secret).await.is_ok(), "{why}");
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert!(
        matches!(
            s.session(&signed.secret).await,
            Err(ServiceError::Unauthorized)
        ),
        "a session ends when {why}"
    );
}
