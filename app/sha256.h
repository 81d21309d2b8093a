/* SHA-256 (FIPS 180-4), for the scenario hash in a result folder's manifest.
 *
 * A small streaming implementation: init, feed any number of byte ranges, finish. Not for
 * secrets (no constant-time guarantees matter here, no key wiping): it fingerprints input
 * files so a result can be traced to the exact bytes that produced it. */
#ifndef POOLTIDE_SHA256_H
#define POOLTIDE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32
#define SHA256_HEX_LEN 64 /* hex digits, without the terminating NUL */

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;       /* message length so far */
	uint8_t block[64];
	size_t fill;          /* bytes waiting in block */
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, size_t len);
/* The digest of everything fed since sha256_init; c must be re-initialised before reuse. */
void sha256_final(struct sha256 *c, uint8_t digest[SHA256_DIGEST_LEN]);

/* Lower-case hex digest of a byte range into hex (SHA256_HEX_LEN + 1 bytes, NUL-terminated). */
void sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN + 1]);
/* The same for a file's bytes. Returns 0, or PT_EIO (errno tells why) with hex set to "". */
int sha256_file_hex(const char *path, char hex[SHA256_HEX_LEN + 1]);

#endif
