/** Extension operations. */
import type { Extension } from "../catalog/extensions.js";

export interface CreateExtension {
  kind: "createExtension";
  extension: Extension;
}

export interface DropExtension {
  kind: "dropExtension";
  name: string;
  old?: Extension;
}

export type ExtensionOperation = CreateExtension | DropExtension;

export const EXTENSION_OPERATION_KINDS = ["createExtension", "dropExtension"] as const;
