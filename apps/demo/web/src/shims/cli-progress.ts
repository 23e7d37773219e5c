// Stand-in for the `cli-progress` package in the browser bundle: @steadygrad/train imports it for its
// terminal progress bar, which the page never shows (it trains with verbose 0).
function unavailable(): never {
  throw new Error('the terminal progress bar is not available in the browser; train with verbose: 0');
}

class SingleBar {
  constructor() {
    unavailable();
  }
}

export default { SingleBar, MultiBar: SingleBar, Presets: {} };
