/*
 * rss_floor: the resident memory that hubd's libraries cost before hubd
 * does anything. Linked (with --no-as-needed) against exactly the shared
 * libraries hubd links, it prints its own VmRSS after the dynamic loader
 * has mapped and relocated them, then after the same library
 * initialisation hubd does at start-up (OpenSSL's, then libcurl's).
 * bench/http_vs_nginx.sh prints hubd's idle VmRSS next to these figures.
 */
#include <curl/curl.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long vmrss_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			kib = strtol(line + 6, NULL, 10);
	fclose(f);
	return kib;
}

int main(void)
{
	long loaded = vmrss_kib();

	OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, NULL);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	printf("%ld %ld\n", loaded, vmrss_kib());
	curl_global_cleanup();
	return 0;
}
