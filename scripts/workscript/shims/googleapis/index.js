// Stand-in for the Google API client. The recorded corpus never reaches the
// Gmail nodes; if one is run anyway it fails the way an unreachable API would.
class OAuth2 {
  setCredentials() {}
}

function unavailable() {
  throw new Error('googleapis is not available in the fixture recorder');
}

export const google = {
  auth: { OAuth2 },
  gmail: unavailable,
};

export default { google };
