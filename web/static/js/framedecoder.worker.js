// framedecoder.worker.js: the module worker that decodes the live
// session's frames off the page's main thread (framedecoder.js). It is
// only the wiring; the decoding is frame.js, tested with node --test.

import {serveFrames} from './framedecoder.js';

serveFrames(self);
