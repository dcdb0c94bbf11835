//! Microsoft Entra ID (the company's own Microsoft 365 directory), read
//! through Microsoft Graph: every account, whether it is enabled, when it
//! last signed in, whether it has a second factor (MFA) registered, and
//! whether it holds an administrator role. Read from the company's own
//! tenant, these figures do not depend on any provider's report.
//!
//! Auth: OAuth2 client credentials against Entra ID, `POST
//! {auth_url}/{tenant_id}/oauth2/v2.0/token` with the client id and secret in
//! the form body and `scope=https://graph.microsoft.com/.default`; the app
//! needs `User.Read.All`, `AuditLog.Read.All` (sign-in times, which need an
//! Entra ID P1 licence) and `RoleManagement.Read.Directory`.
//!
//! Reads, each following `@odata.nextLink` (same site only):
//! - `GET /v1.0/users?$select=id,userPrincipalName,displayName,accountEnabled,createdDateTime,signInActivity`
//!   (the last sign-in is the later of `lastSignInDateTime` and
//!   `lastNonInteractiveSignInDateTime`);
//! - `GET /v1.0/reports/authenticationMethods/userRegistrationDetails`
//!   (`isMfaRegistered`, `isAdmin`); an account it does not list has its
//!   second factor counted as not reported;
//! - `GET /v1.0/directoryRoles?$expand=members`: members of the privileged
//!   roles below are administrators too.
//!
//! An account belongs to a provider when its sign-in domain (for a guest,
//! the domain of its original address, before `#EXT#`) is in the source's
//! `provider_domains`. Every run is a full snapshot of the directory.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::Deserialize;
use sightline_domain::{Account, Provenance};

use crate::http::{Http, Pages, endpoint};
use crate::microsoft::Reader;
use crate::{
    BASE_URL, FetchError, FetchRequest, Fetched, Field, FieldForm, MAX_PAGES, Progress, ProgressSink,
    SourceSpec,
};

/// This kind's entry in the registry (see [`crate::SourceSpec`]).
pub const SPEC: SourceSpec = SourceSpec {
    kind: "entra",
    display_name: "Microsoft Entra ID",
    secret_form: Some("CLIENT_SECRET"),
    incremental: false,
    probe: false,
    fields: &[
        Field {
            key: "tenant_id",
            label: "Directory (tenant) ID",
            hint: "Your Microsoft 365 directory's ID, from the app registration's overview in the Entra admin centre.",
            required: true,
            on_form: true,
            form: FieldForm::Text,
        },
        Field {
            key: "client_id",
            label: "Application (client) ID",
            hint: "The ID of the app registered for Sightline, with the User.Read.All, AuditLog.Read.All and \
                   RoleManagement.Read.Directory permissions.",
            required: true,
            on_form: true,
            form: FieldForm::Text,
        },
        Field {
            key: "provider_domains",
            label: "Providers' sign-in domains",
            hint: "Each provider's e-mail domain and the vendor it belongs to, so that their staff's accounts are \
                   known as theirs.",
            required: false,
            on_form: false,
            form: FieldForm::VendorDomains,
        },
        Field { hint: "Left empty, https://graph.microsoft.com.", required: false, ..BASE_URL },
        Field {
            key: "auth_url",
            label: "Sign-in address",
            hint: "Microsoft's sign-in service, when it is not https://login.microsoftonline.com.",
            required: false,
            on_form: false,
            form: FieldForm::Url,
        },
        MAX_PAGES,
    ],
    fetch: |request, progress| Box::pin(fetch(request, progress)),
};

const DEFAULT_BASE: &str = "https://graph.microsoft.com";
const SCOPE: &str = "https://graph.microsoft.com/.default";

/// Directory roles that administer the company (Microsoft's own list of
/// privileged roles, the ones its admin centre marks as such).
const PRIVILEGED_ROLES: &[&str] = &[
    "Global Administrator",
    "Privileged Role Administrator",
    "Privileged Authentication Administrator",
    "Security Administrator",
    "Conditional Access Administrator",
    "Exchange Administrator",
    "SharePoint Administrator",
    "User Administrator",
    "Authentication Administrator",
    "Application Administrator",
    "Cloud Application Administrator",
    "Intune Administrator",
    "Helpdesk Administrator",
    "Billing Administrator",
    "Hybrid Identity Administrator",
];

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignIns {
    last_sign_in_date_time: Option<DateTime<Utc>>,
    last_non_interactive_sign_in_date_time: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct User {
    id: String,
    user_principal_name: Option<String>,
    display_name: Option<String>,
    account_enabled: Option<bool>,
    created_date_time: Option<DateTime<Utc>>,
    sign_in_activity: Option<SignIns>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Registration {
    id: String,
    is_admin: Option<bool>,
    is_mfa_registered: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Member {
    id: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Role {
    display_name: Option<String>,
    #[serde(default)]
    members: Vec<Member>,
}

/// The domain an account signs in from: for a guest
/// (`jo_bluepeak.example#EXT#@tenant.onmicrosoft.com`), its own address's.
pub fn sign_in_domain(user: &str) -> Option<String> {
    let user = user.trim().to_lowercase();
    let address = match user.split_once("#ext#") {
        Some((original, _)) => original.rsplit_once('_').map(|(_, domain)| domain.to_string())?,
        None => user.rsplit_once('@').map(|(_, domain)| domain.to_string())?,
    };
    (!address.is_empty()).then_some(address)
}

/// The vendor a domain belongs to: the domain itself or a parent of it.
fn provider_of(domains: &BTreeMap<String, String>, domain: &str) -> Option<String> {
    domains.iter().find_map(|(listed, vendor)| {
        let listed = listed.trim().trim_start_matches('@').to_lowercase();
        (domain == listed || domain.ends_with(&format!(".{listed}"))).then(|| vendor.clone())
    })
}

pub(crate) async fn fetch(request: &FetchRequest<'_>, progress: ProgressSink<'_>) -> Result<Fetched, FetchError> {
    let source = request.source;
    let source_id = source.id.as_str();
    let http = Http::new(source_id, request.http, None)?;
    let base = http.url(source.text(BASE_URL.key).unwrap_or(DEFAULT_BASE))?;
    let bearer = crate::microsoft::sign_in(&http, request, SCOPE).await?;
    let mut pages = Pages::new(source.max_pages().unwrap_or(10_000));
    let reader = Reader { http: &http, base: &base, bearer: &bearer };

    let mut url = endpoint(&base, "v1.0/users");
    url.query_pairs_mut()
        .append_pair(
            "$select",
            "id,userPrincipalName,displayName,accountEnabled,createdDateTime,signInActivity",
        )
        .append_pair("$top", "999");
    let users: Vec<User> = reader.all(&mut pages, url).await?;
    progress(Progress::fetching(source_id, users.len(), pages.count));

    let mut url = endpoint(&base, "v1.0/reports/authenticationMethods/userRegistrationDetails");
    url.query_pairs_mut().append_pair("$top", "999");
    let registrations: HashMap<String, Registration> = reader
        .all::<Registration>(&mut pages, url)
        .await?
        .into_iter()
        .map(|registration| (registration.id.clone(), registration))
        .collect();

    let mut url = endpoint(&base, "v1.0/directoryRoles");
    url.query_pairs_mut().append_pair("$expand", "members");
    let mut privileged: HashSet<String> = HashSet::new();
    for role in reader.all::<Role>(&mut pages, url).await? {
        let name = role.display_name.unwrap_or_default();
        if PRIVILEGED_ROLES.iter().any(|privileged| privileged.eq_ignore_ascii_case(&name)) {
            privileged.extend(role.members.into_iter().map(|member| member.id));
        }
    }

    let domains = match source.settings.get("provider_domains") {
        Some(crate::Setting::Map(map)) => map.clone(),
        _ => BTreeMap::new(),
    };
    let mut unreported = 0usize;
    let mut fetched = Fetched { full: true, ..Fetched::default() };
    for user in users {
        let principal = user.user_principal_name.clone().unwrap_or_else(|| user.id.clone());
        let registration = registrations.get(&user.id);
        if registration.is_none() && user.account_enabled != Some(false) {
            unreported += 1;
        }
        let sign_ins = user.sign_in_activity.as_ref();
        let last_sign_in = [
            sign_ins.and_then(|s| s.last_sign_in_date_time),
            sign_ins.and_then(|s| s.last_non_interactive_sign_in_date_time),
        ]
        .into_iter()
        .flatten()
        .max();
        fetched.batch.accounts.push(Account {
            provenance: Provenance { source_id: source.id.clone(), record_id: user.id.clone(), fetched_at: request.now },
            vendor_id: source.vendor.clone(),
            display_name: user.display_name.clone().unwrap_or_else(|| principal.clone()),
            enabled: user.account_enabled.unwrap_or(true),
            admin: privileged.contains(&user.id) || registration.and_then(|r| r.is_admin).unwrap_or(false),
            mfa_registered: registration.and_then(|r| r.is_mfa_registered),
            last_sign_in,
            created_at: user.created_date_time,
            provider: sign_in_domain(&principal).and_then(|domain| provider_of(&domains, &domain)),
            user: principal,
        });
    }
    if unreported > 0 {
        fetched.warnings.push(format!(
            "the directory's registration report does not list {unreported} enabled account{}: {} second factor is \
             counted as not reported",
            if unreported == 1 { "" } else { "s" },
            if unreported == 1 { "its" } else { "their" },
        ));
    }
    fetched.pages = pages.count;
    fetched.requests = http.requests();
    progress(Progress::fetching(source_id, fetched.batch.len(), pages.count));
    Ok(fetched)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guests_and_members_sign_in_from_their_own_domain() {
        assert_eq!(sign_in_domain("Jo.Smith@HarborFinch.example").as_deref(), Some("harborfinch.example"));
        assert_eq!(
            sign_in_domain("k.morgan_bluepeak.example#EXT#@harborfinch.onmicrosoft.com").as_deref(),
            Some("bluepeak.example")
        );
        assert_eq!(sign_in_domain("no-domain"), None);
        let domains = BTreeMap::from([("bluepeak.example".to_string(), "bluepeak".to_string())]);
        assert_eq!(provider_of(&domains, "bluepeak.example").as_deref(), Some("bluepeak"));
        assert_eq!(provider_of(&domains, "support.bluepeak.example").as_deref(), Some("bluepeak"));
        assert_eq!(provider_of(&domains, "notbluepeak.example"), None);
    }
}
