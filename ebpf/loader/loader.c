// SPDX-License-Identifier: Apache-2.0
/*
 * Minimal libbpf loader for MOP's probes, used by tests and the benchmark
 * (production uses ebpf_exporter instead).
 *
 *   loader OBJ.bpf.o [OBJ2.bpf.o ...]
 *
 * Opens, loads (real kernel verifier) and attaches every program of every object
 * (SEC("tracepoint/...") auto-attaches), then prints one JSON line:
 *   {"event":"ready","objects":[{"path":..,"programs":[{"name":..,"section":..,"id":N}]}]}
 * and reads commands from stdin, one per line:
 *   dump   -> {"event":"dump","maps":[{"object":..,"name":..,"type":N,"key_size":N,
 *              "value_size":N,"entries":[{"key":"<hex>","value":"<u64 decimal or hex>"}]}]}
 *   quit / EOF / SIGINT / SIGTERM -> detach, unload, exit 0.
 * Errors go to stderr with a non-zero exit status.
 * Build: cc -O2 -o loader loader.c -lbpf -lelf -lz   (or: bash ebpf/build.sh --loader-only)
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define MAX_OBJS 32
#define MAX_LINKS 256

static struct bpf_object *objs[MAX_OBJS];
static const char *paths[MAX_OBJS];
static struct bpf_link *links[MAX_LINKS];
static int n_objs, n_links;
static volatile sig_atomic_t stop;

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG && !getenv("LOADER_DEBUG"))
		return 0;
	return vfprintf(stderr, fmt, args);
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Object paths and map names are plain ASCII here; escape the JSON specials anyway. */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void hex(const unsigned char *b, size_t n)
{
	putchar('"');
	for (size_t i = 0; i < n; i++)
		printf("%02x", b[i]);
	putchar('"');
}

static void print_ready(void)
{
	printf("{\"event\":\"ready\",\"objects\":[");
	for (int i = 0; i < n_objs; i++) {
		struct bpf_program *prog;
		int first = 1;

		printf("%s{\"path\":", i ? "," : "");
		json_str(paths[i]);
		printf(",\"programs\":[");
		bpf_object__for_each_program(prog, objs[i]) {
			struct bpf_prog_info info;
			__u32 len = sizeof(info);

			memset(&info, 0, sizeof(info));
			if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
				info.id = 0;
			printf("%s{\"name\":", first ? "" : ",");
			json_str(bpf_program__name(prog));
			printf(",\"section\":");
			json_str(bpf_program__section_name(prog));
			printf(",\"id\":%u}", info.id);
			first = 0;
		}
		printf("]}");
	}
	printf("]}\n");
	fflush(stdout);
}

static int dump_maps(void)
{
	int first_map = 1;

	printf("{\"event\":\"dump\",\"maps\":[");
	for (int i = 0; i < n_objs; i++) {
		struct bpf_map *map;

		bpf_object__for_each_map(map, objs[i]) {
			int fd = bpf_map__fd(map);
			__u32 ks = bpf_map__key_size(map), vs = bpf_map__value_size(map);
			unsigned char *key = calloc(1, ks), *next = calloc(1, ks), *val = calloc(1, vs);
			int first = 1, err;

			if (!key || !next || !val)
				return -ENOMEM;
			printf("%s{\"object\":", first_map ? "" : ",");
			json_str(paths[i]);
			printf(",\"name\":");
			json_str(bpf_map__name(map));
			printf(",\"type\":%d,\"key_size\":%u,\"value_size\":%u,\"entries\":[",
			       bpf_map__type(map), ks, vs);
			first_map = 0;

			/* Arrays (e.g. .rodata) are listed too; hash maps are what tests read. */
			err = bpf_map_get_next_key(fd, NULL, next);
			while (!err) {
				memcpy(key, next, ks);
				if (!bpf_map_lookup_elem(fd, key, val)) {
					printf("%s{\"key\":", first ? "" : ",");
					hex(key, ks);
					printf(",\"value\":");
					if (vs == 8)
						printf("\"%llu\"", (unsigned long long)*(uint64_t *)val);
					else
						hex(val, vs);
					printf("}");
					first = 0;
				}
				err = bpf_map_get_next_key(fd, key, next);
			}
			printf("]}");
			free(key);
			free(next);
			free(val);
		}
	}
	printf("]}\n");
	fflush(stdout);
	return 0;
}

static void cleanup(void)
{
	for (int i = 0; i < n_links; i++)
		bpf_link__destroy(links[i]);
	for (int i = 0; i < n_objs; i++)
		bpf_object__close(objs[i]);
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	char line[256];

	if (argc < 2 || argc - 1 > MAX_OBJS) {
		fprintf(stderr, "usage: %s OBJ.bpf.o [OBJ.bpf.o ...] (max %d)\n", argv[0], MAX_OBJS);
		return 2;
	}
	libbpf_set_print(print_libbpf);

	/* No SA_RESTART: a signal must interrupt the blocking read of stdin. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	for (int i = 1; i < argc; i++) {
		struct bpf_object *obj = bpf_object__open_file(argv[i], NULL);
		struct bpf_program *prog;
		int err;

		if (!obj) {
			fprintf(stderr, "loader: open %s: %s\n", argv[i], strerror(errno));
			cleanup();
			return 1;
		}
		objs[n_objs] = obj;
		paths[n_objs++] = argv[i];
		err = bpf_object__load(obj);
		if (err) {
			fprintf(stderr, "loader: load %s: %s\n", argv[i], strerror(-err));
			cleanup();
			return 1;
		}
		bpf_object__for_each_program(prog, obj) {
			struct bpf_link *link = bpf_program__attach(prog);

			if (!link || n_links >= MAX_LINKS) {
				fprintf(stderr, "loader: attach %s/%s (%s): %s\n", argv[i],
					bpf_program__name(prog), bpf_program__section_name(prog),
					link ? "too many links" : strerror(errno));
				cleanup();
				return 1;
			}
			links[n_links++] = link;
		}
	}
	print_ready();

	while (!stop && fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!strcmp(line, "dump")) {
			if (dump_maps()) {
				fprintf(stderr, "loader: out of memory\n");
				break;
			}
		} else if (!strcmp(line, "quit")) {
			break;
		} else if (line[0]) {
			fprintf(stderr, "loader: unknown command '%s' (dump|quit)\n", line);
		}
	}
	cleanup();
	return 0;
}
