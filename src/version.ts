/**
 * The program's name and version (the version comes from `deno.json`, the one place it is set).
 *
 * @module
 */
import config from "../deno.json" with { type: "json" };

/** The program's name, as reported to MCP clients and by `--version`. */
export const NAME = "mcp-utc-time";

/** The program's version (`deno.json` "version"). */
export const VERSION: string = config.version;
