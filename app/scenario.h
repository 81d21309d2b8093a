/* Scenario loader: JSON file -> resolved configurations, one per variant.
 *
 * The only module that uses cJSON. It reads the file, applies command-line `--set path=value`
 * overrides to the base scenario, then each variant's `set` overrides on a copy of the base,
 * checks every value and fills every default, and returns plain `struct cfg_scenario` values.
 * Unknown keys, wrong types, out-of-range values, malformed JSON and unreadable files are
 * errors whose message names the file, the JSON path (or line:column for syntax errors) and
 * what was expected, e.g.
 *   scenarios/x.json: pools.main.max_overflow: expected an integer >= -1, got "twenty"
 * Durations: "150ms", "30s", "2m", "2h", "1d", "250us" or a number of seconds. Rates: "120/s",
 * "7200/min", "3600/h" or a number per second.
 *
 * Arrival traces ("arrival": {"trace": "file.csv"}) are read here too, relative to the scenario
 * file's directory; their arrays belong to the struct scenario and every variant's cfg points
 * into them, so a cfg must not outlive the scenario it came from. */
#ifndef POOLTIDE_SCENARIO_H
#define POOLTIDE_SCENARIO_H

#include <stddef.h>

#include "models/config.h"

#define SCENARIO_VARIANT_NAME_MAX 128

struct scenario_variant {
	char name[SCENARIO_VARIANT_NAME_MAX];
	struct cfg_scenario cfg;
};

struct scenario_trace; /* a loaded trace file, private to the loader */

struct scenario {
	char *path;             /* as given */
	char *description;      /* "description" of the file, or "" */
	char sha256[65];        /* SHA-256 of the file's bytes as read (once) by the loader, hex */
	int n_variants;         /* >= 1: a file without "variants" has one variant, "base" */
	struct scenario_variant *variants;
	char *resolved_json;    /* the base scenario after --set overrides, with every default
				   filled in, as pretty JSON (for `pooltide check` and manifests) */
	struct scenario_trace *traces; /* the trace files the variants use, each read once: the
					  cfgs' arrival.trace_t and trace_hold point into them */
};

/* Load `path`, applying `n_sets` overrides "dotted.path=value" (value parsed as JSON when it
 * is valid JSON, else taken as a string: --set pools.main.timeout=45s). On success returns 0
 * and *out; on failure returns PT_EINVAL (invalid scenario) or PT_EIO (the file, or a trace
 * it names, cannot be read) and writes one line, without a trailing newline, into err. */
int scenario_load(struct scenario **out, const char *path, const char *const *sets, int n_sets,
		  char *err, size_t errlen);
/* Frees everything, the traces the cfgs point into included. NULL is a no-op. */
void scenario_destroy(struct scenario *sc);

#endif
