#!/usr/bin/env node
// The CLI bundled into a few chunks (scripts/bundle-cli.mjs): it starts faster than dist/cli/main.js's modules one by one.
import "../dist/cli-bundle/main.js";
