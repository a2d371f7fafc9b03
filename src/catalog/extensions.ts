/**
 * Extensions (CREATE EXTENSION IF NOT EXISTS name WITH SCHEMA s). What belongs
 * to an extension (its types, functions, operators...) is never modelled on its
 * own. The version is not compared: CREATE EXTENSION installs the default one.
 * The comment is the extension's own (set by CREATE EXTENSION): not modelled.
 */
export interface Extension {
  name: string;
  /** The schema its objects live in; undefined: the default schema. */
  schema?: string;
}
