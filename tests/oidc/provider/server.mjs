// A real OpenID provider (npm oidc-provider) for the portal's sign-in tests, on 127.0.0.1.
// PORT, CLIENTS (JSON list of client metadata), ACCOUNTS (JSON: account id -> claims) and
// ID_TOKEN_TTL come from the environment. The log-in page takes an account id and a box for
// "used a second factor" (amr mfa); consent is granted at once. Prints "ready <issuer>".
import http from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(process.env.ACCOUNTS || '{}');
const provider = new Provider(issuer, {
  clients: JSON.parse(process.env.CLIENTS),
  pkce: { required: () => true },
  claims: {
    // amr and acr come from the log-in below; the ID token carries them with the openid scope.
    openid: ['sub', 'amr', 'acr'],
    email: ['email', 'email_verified'],
    profile: ['given_name', 'family_name', 'name'],
  },
  conformIdTokenClaims: false,
  findAccount: async (ctx, id) => ({
    accountId: id,
    claims: async () => ({ sub: id, ...(accounts[id] || {}) }),
  }),
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
  ttl: { IdToken: Number(process.env.ID_TOKEN_TTL || 3600) },
  cookies: { keys: ['portal-test-only'] },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
});

const page = (uid) => `<!doctype html><html lang="en"><head><title>Test provider</title></head>
<body><main><h1>Test provider sign-in</h1>
<form method="post" action="/interaction/${uid}/login">
<label for="login">Account</label> <input id="login" name="login" autocomplete="username">
<label><input type="checkbox" name="mfa" value="1"> Used a second factor</label>
<button type="submit">Sign in</button></form></main></body></html>`;

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

const callback = provider.callback();
http.createServer(async (req, res) => {
  const match = req.url.match(/^\/interaction\/([^/?]+)(\/login)?/);
  if (!match) return callback(req, res);
  try {
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'POST' && match[2]) {
      const form = await readForm(req);
      const amr = form.get('mfa') ? ['pwd', 'mfa'] : ['pwd'];
      await provider.interactionFinished(req, res,
        { login: { accountId: form.get('login'), amr, acr: form.get('mfa') ? 'urn:test:mfa' : 'urn:test:pwd' } },
        { mergeWithLastSubmission: false });
      return;
    }
    if (details.prompt.name === 'login') {
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(page(details.uid));
      return;
    }
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    if (details.prompt.details.missingOIDCScope) grant.addOIDCScope(details.prompt.details.missingOIDCScope.join(' '));
    if (details.prompt.details.missingOIDCClaims) grant.addOIDCClaims(details.prompt.details.missingOIDCClaims);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  } catch (err) {
    res.statusCode = 400;
    res.end(String(err));
  }
}).listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`));
