// about.js: the page about the JSON API (/about) has no live parts; only
// its theme toggle (theme.js).

import {bindTheme} from './theme.js';

bindTheme();
