/* st_enc.h: big-endian key encodings, so LMDB's byte order is numeric
 * order and range scans come out sorted. */
#ifndef HUB_ST_ENC_H
#define HUB_ST_ENC_H

#include <stdint.h>

static inline void
st_put_be64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--) {
		p[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

static inline uint64_t
st_get_be64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

static inline void
st_put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static inline uint32_t
st_get_be32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | p[3];
}

/* A 16-byte key of two ids, scanned by its first: (a, b). */
static inline void
st_pair_key(unsigned char *k, uint64_t a, uint64_t b)
{
	st_put_be64(k, a);
	st_put_be64(k + 8, b);
}

#endif
