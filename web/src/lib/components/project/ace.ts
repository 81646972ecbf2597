/**
 * Ace with the modes and themes ATT edits with, bundled by Vite. Only the
 * editor imports this, with `import()`, so Ace (and its CSS, which it injects
 * itself) loads when a file is first opened, not with the first page.
 *
 * ace.js sets the global `ace` that the mode and theme files register into,
 * so it is imported first; every module they need is inside their own file,
 * so Ace never fetches a script at run time. Syntax-check workers are off
 * for every session: they would be loaded from URLs.
 */
import type * as AceTypes from "ace-builds";
import aceRuntime from "ace-builds/src-noconflict/ace";
import "ace-builds/src-noconflict/mode-python";
import "ace-builds/src-noconflict/mode-yaml";
import "ace-builds/src-noconflict/mode-typescript";
import "ace-builds/src-noconflict/mode-javascript";
import "ace-builds/src-noconflict/mode-markdown";
import "ace-builds/src-noconflict/mode-json";
import "ace-builds/src-noconflict/mode-toml";
import "ace-builds/src-noconflict/theme-cloud_editor";
import "ace-builds/src-noconflict/theme-cloud_editor_dark";

export type Ace = typeof AceTypes;
export type AceEditor = AceTypes.Ace.Editor;
export type AceSession = AceTypes.Ace.EditSession;

export const ace: Ace = aceRuntime;
ace.config.setDefaultValue("session", "useWorker", false);
export const LIGHT_THEME = "ace/theme/cloud_editor";
export const DARK_THEME = "ace/theme/cloud_editor_dark";
