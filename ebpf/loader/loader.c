// SPDX-License-Identifier: Apache-2.0
/*
 * Minimal libbpf loader for MOP's probes, used by tests and the benchmark
 * (production uses ebpf_exporter instead).
 *
 *   loader OBJ.bpf.o [OBJ2.bpf.o ...]
 *   loader --config.dir=DIR --config.names=a,b [--config.check] [--config.strict] [--other.flags ...]
 *
 * Opens, loads (real kernel verifier) and attaches every program of every object
 * (SEC("tracepoint/...") and SEC("fexit/...") auto-attach), then prints one JSON line:
 *   {"event":"ready","objects":[{"path":..,"config":..,"programs":[{"name":..,"section":..,"id":N}]}]}
 * and reads commands from stdin, one per line:
 *   dump   -> {"event":"dump","maps":[{"object":..,"name":..,"type":N,"key_size":N,
 *              "value_size":N,"entries":[{"key":"<hex>","value":"<u64 decimal or hex>"}]}]}
 *   stats  -> {"event":"stats","programs":[{"config":..,"name":..,"id":N,"run_cnt":N,"run_time_ns":N}]}
 *             (the kernel's counters; they move only while kernel.bpf_stats_enabled is 1)
 *   quit / EOF / SIGINT / SIGTERM -> detach, unload, exit 0.
 * Errors go to stderr with a non-zero exit status.
 *
 * The second form takes ebpf_exporter v2.5.1's flags with its semantics
 * (cloudflare/ebpf_exporter v2.5.1 cmd/ebpf_exporter/main.go, exporter/exporter.go,
 * exporter/attach.go), so tests can run ebpf/select-probes.sh against a real kernel
 * where the exporter binary itself is not available: for each name it needs
 * DIR/<name>.yaml and loads DIR/<name>.bpf.o; a failed load exits 1 ("Error attaching
 * exporter: ..."), a failed attach is logged and skipped ("Failed to attach program
 * ..."), --config.strict then exits 1 on any missed attachment, and --config.check exits
 * 0 once everything is attached. Other --flags are accepted and ignored.
 * Build: cc -O2 -o loader loader.c -lbpf -lelf -lz   (or: bash ebpf/build.sh --loader-only)
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define MAX_OBJS 32
#define MAX_LINKS 256

static struct bpf_object *objs[MAX_OBJS];
static const char *paths[MAX_OBJS];
static char *configs[MAX_OBJS];
static struct bpf_link *links[MAX_LINKS];
static int n_objs, n_links;
static char missed_names[4096]; /* "config:prog, ..." of programs that did not attach */
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
		printf(",\"config\":");
		json_str(configs[i]);
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

static void print_stats(void)
{
	int first = 1;

	printf("{\"event\":\"stats\",\"programs\":[");
	for (int i = 0; i < n_objs; i++) {
		struct bpf_program *prog;

		bpf_object__for_each_program(prog, objs[i]) {
			struct bpf_prog_info info;
			__u32 len = sizeof(info);

			memset(&info, 0, sizeof(info));
			if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
				continue;
			printf("%s{\"config\":", first ? "" : ",");
			json_str(configs[i]);
			printf(",\"name\":");
			json_str(bpf_program__name(prog));
			printf(",\"id\":%u,\"run_cnt\":%llu,\"run_time_ns\":%llu}", info.id,
			       (unsigned long long)info.run_cnt, (unsigned long long)info.run_time_ns);
			first = 0;
		}
	}
	printf("]}\n");
	fflush(stdout);
}

static void cleanup(void)
{
	for (int i = 0; i < n_links; i++)
		bpf_link__destroy(links[i]);
	for (int i = 0; i < n_objs; i++)
		bpf_object__close(objs[i]);
}

/* Config name of an object path: its file name without ".bpf.o". */
static char *config_name(const char *path)
{
	const char *base = strrchr(path, '/');
	char *name = strdup(base ? base + 1 : path);
	char *dot = name ? strstr(name, ".bpf.o") : NULL;

	if (dot)
		*dot = 0;
	return name;
}

/* Opens and loads one object; 0 or -1 (message printed, in ebpf_exporter's words). */
static int load_object(const char *path)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	int err;

	configs[n_objs] = config_name(path);
	if (!obj) {
		fprintf(stderr, "Error attaching exporter: error creating module from \"%s\" for config \"%s\": %s\n",
			path, configs[n_objs], strerror(errno));
		return -1;
	}
	objs[n_objs] = obj;
	paths[n_objs++] = path;
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "Error attaching exporter: error loading bpf object from \"%s\" for config \"%s\": %s\n",
			path, configs[n_objs - 1], strerror(-err));
		return -1;
	}
	return 0;
}

/* Attaches every program of object i; returns the number that failed. */
static int attach_object(int i, int fatal)
{
	struct bpf_program *prog;
	int missed = 0;

	bpf_object__for_each_program(prog, objs[i]) {
		struct bpf_link *link = n_links < MAX_LINKS ? bpf_program__attach(prog) : NULL;

		if (!link) {
			fprintf(stderr, "Failed to attach program \"%s\" for config \"%s\": %s\n",
				bpf_program__name(prog), configs[i],
				n_links >= MAX_LINKS ? "too many links" : strerror(errno));
			missed++;
			snprintf(missed_names + strlen(missed_names), sizeof(missed_names) - strlen(missed_names), "%s%s:%s",
				 missed_names[0] ? ", " : "", configs[i], bpf_program__name(prog));
			if (fatal)
				return missed;
			continue;
		}
		links[n_links++] = link;
	}
	return missed;
}

static int serve(void)
{
	char line[256];

	print_ready();
	while (!stop && fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!strcmp(line, "dump")) {
			if (dump_maps()) {
				fprintf(stderr, "loader: out of memory\n");
				break;
			}
		} else if (!strcmp(line, "stats")) {
			print_stats();
		} else if (!strcmp(line, "quit")) {
			break;
		} else if (line[0]) {
			fprintf(stderr, "loader: unknown command '%s' (dump|stats|quit)\n", line);
		}
	}
	cleanup();
	return 0;
}

/* ebpf_exporter-style command line (see the header comment). */
static int exporter_mode(int argc, char **argv)
{
	const char *dir = NULL;
	char *names = NULL, *name, *save = NULL;
	int check = 0, strict = 0, missed = 0;

	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--config.dir=", 13))
			dir = argv[i] + 13;
		else if (!strncmp(argv[i], "--config.names=", 15))
			names = strdup(argv[i] + 15);
		else if (!strcmp(argv[i], "--config.check"))
			check = 1;
		else if (!strcmp(argv[i], "--config.strict"))
			strict = 1;
		else if (strncmp(argv[i], "--", 2)) {
			fprintf(stderr, "loader: unexpected argument '%s'\n", argv[i]);
			return 2;
		}
	}
	if (!dir || !names) {
		fprintf(stderr, "loader: --config.dir and --config.names are required\n");
		return 2;
	}
	for (name = strtok_r(names, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		char yaml[4096], *obj = malloc(4096);

		snprintf(yaml, sizeof(yaml), "%s/%s.yaml", dir, name);
		snprintf(obj, 4096, "%s/%s.bpf.o", dir, name);
		if (access(yaml, R_OK)) {
			fprintf(stderr, "Error parsing configs: error reading %s: %s\n", yaml, strerror(errno));
			cleanup();
			return 1;
		}
		if (n_objs >= MAX_OBJS || load_object(obj)) {
			cleanup();
			return 1;
		}
		missed += attach_object(n_objs - 1, 0);
	}
	if (strict && missed) {
		fprintf(stderr, "Missed attachments (module:prog): %s\n", missed_names);
		cleanup();
		return 1;
	}
	if (check) {
		fprintf(stderr, "Config check successful, exiting\n");
		cleanup();
		return 0;
	}
	return serve();
}

int main(int argc, char **argv)
{
	struct sigaction sa;

	if (argc < 2 || argc - 1 > MAX_OBJS) {
		fprintf(stderr, "usage: %s OBJ.bpf.o [OBJ.bpf.o ...] (max %d)\n"
			"       %s --config.dir=DIR --config.names=a,b [--config.check] [--config.strict]\n",
			argv[0], MAX_OBJS, argv[0]);
		return 2;
	}
	libbpf_set_print(print_libbpf);

	/* No SA_RESTART: a signal must interrupt the blocking read of stdin. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (!strncmp(argv[1], "--", 2))
		return exporter_mode(argc, argv);

	for (int i = 1; i < argc; i++) {
		if (load_object(argv[i]) || attach_object(n_objs - 1, 1)) {
			cleanup();
			return 1;
		}
	}
	return serve();
}
