/* replay.c: run a fuzz target over every file of a corpus directory, so
 * that the normal suite replays the corpus with any compiler. Prints TAP. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '_');
	char dir[1024], path[2048];
	const char *src = getenv("HUB_SRCDIR");
	struct dirent *de;
	unsigned char *buf;
	size_t n;
	int count = 0;
	FILE *f;
	DIR *d;

	(void)argc;
	snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s", src ? src : ".",
	    name ? name + 1 : "");
	if ((d = opendir(dir)) == NULL) {
		printf("not ok 1 - corpus %s missing\n1..1\n", dir);
		return 0;
	}
	if ((buf = malloc(1 << 20)) == NULL)
		return 1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if ((f = fopen(path, "rb")) == NULL)
			continue;
		n = fread(buf, 1, 1 << 20, f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n); /* crashes are the failure */
		count++;
	}
	closedir(d);
	free(buf);
	printf("%sok 1 - replayed %d inputs of %s\n1..1\n", count ? "" : "not ",
	    count, dir);
	return 0;
}
