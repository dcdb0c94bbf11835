//! What the Microsoft connectors (Defender, Entra ID) share: signing in to
//! the company's tenant with an app's client credentials, and reading
//! OData listings page by page.

use serde::Deserialize;
use url::Url;

use crate::http::{Http, Pages, endpoint};
use crate::{FetchError, FetchErrorKind, FetchRequest};

const DEFAULT_AUTH: &str = "https://login.microsoftonline.com";

#[derive(Debug, Deserialize)]
struct Token {
    access_token: Option<String>,
}

/// One page of an OData listing.
#[derive(Debug, Deserialize)]
pub(crate) struct Listing<T> {
    #[serde(default = "Vec::new")]
    pub value: Vec<T>,
    #[serde(rename = "@odata.nextLink")]
    pub next_link: Option<String>,
}

/// Signs in as the source's app: `POST {auth_url}/{tenant_id}/oauth2/v2.0/token`
/// with the client id and secret in the form body (never in a URL), for
/// `scope`. Returns the `Authorization` header's value.
pub(crate) async fn sign_in(http: &Http<'_>, request: &FetchRequest<'_>, scope: &str) -> Result<String, FetchError> {
    let source = request.source;
    let source_id = source.id.as_str();
    let client_secret = crate::credential(request, "CLIENT_SECRET")?;
    let auth = http.url(source.text("auth_url").unwrap_or(DEFAULT_AUTH))?;
    let tenant = source.text("tenant_id").unwrap_or_default();
    // The tenant goes into the sign-in path: an id or a domain name only,
    // so it can never point the secret at another address.
    if tenant.is_empty() || !tenant.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.') {
        return Err(FetchError::config(
            source_id,
            format!("the tenant_id '{tenant}' is not a directory ID (a GUID) or domain name: correct it"),
        ));
    }
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", source.text("client_id").unwrap_or_default()),
        ("client_secret", client_secret),
        ("scope", scope),
    ];
    let token_url = endpoint(&auth, &format!("{tenant}/oauth2/v2.0/token"));
    let (token, _): (Token, _) = http.json(|client| client.post(token_url.clone()).form(&form)).await?;
    let token = token.access_token.filter(|token| !token.is_empty()).ok_or_else(|| {
        FetchError::new(
            source_id,
            FetchErrorKind::Auth,
            format!("Microsoft gave no access token for {source_id}: check the tenant, client id and secret"),
        )
    })?;
    Ok(format!("Bearer {token}"))
}

/// Reads OData listings with the signed-in app's token.
pub(crate) struct Reader<'a> {
    pub http: &'a Http<'a>,
    pub base: &'a Url,
    pub bearer: &'a str,
}

impl Reader<'_> {
    /// One page.
    pub async fn page<T: serde::de::DeserializeOwned>(&self, url: &Url) -> Result<Listing<T>, FetchError> {
        let (page, _): (Listing<T>, _) =
            self.http.json(|client| client.get(url.clone()).header("Authorization", self.bearer)).await?;
        Ok(page)
    }

    /// Every page, following `@odata.nextLink` (same site only).
    pub async fn all<T: serde::de::DeserializeOwned>(
        &self,
        pages: &mut Pages,
        first: Url,
    ) -> Result<Vec<T>, FetchError> {
        let mut rows = Vec::new();
        let mut url = first;
        loop {
            pages.visit(self.http.source_id(), url.as_str(), url.path())?;
            let page: Listing<T> = self.page(&url).await?;
            rows.extend(page.value);
            match page.next_link.filter(|link| !link.trim().is_empty()) {
                Some(link) => url = self.http.follow(self.base, &link)?,
                None => return Ok(rows),
            }
        }
    }
}
