// Stand-in for the file-matching package. The engine loads it only for node
// discovery from directories; the recorder registers the node classes directly.
async function glob() {
  throw new Error('glob is not available in the fixture recorder');
}

module.exports = { glob };
