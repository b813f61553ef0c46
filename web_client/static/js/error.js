// The error page: only the header (language switch, logout) needs a script.
import { initHeader } from "./common.js";

initHeader();
