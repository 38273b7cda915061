// SPDX-License-Identifier: Apache-2.0
/*
 * The loopback TCP traffic MOP's probes measure, for the kernel tests (test/ebpf/kernels.test.ts)
 * and the benchmark (bench/ebpf.mjs). Runs on the host and inside the test VMs (linked statically).
 *
 *   traffic [--connects N] [--refused N] [--resets N] [--retransmit-clients N] [--roundtrips N]
 *
 * In this order, on 127.0.0.1, each scenario on its own service port below 32768 (so it is the lower
 * port of every connection: tcp_errors keys by that):
 *   connects     N connects to a listener, each accepted and closed       -> tcp_lifecycle established
 *   refused      N connects to a closed port (the kernel answers RST)     -> failures, reset_received
 *                                                                          (reset_sent too from 6.10)
 *   resets       N accepted connections the client closes with SO_LINGER 0 (an RST on an established
 *                connection, from a socket)                               -> reset_sent + reset_received
 *   retransmits  N clients connect to a listener with a full accept queue that never accepts: the
 *                kernel drops their SYNs and they retransmit after ~1 s    -> tcp_errors retransmit
 *   roundtrips   N request/response round trips on one connection to a fake database on 5432
 *                (3306 or 6379 if taken), answering "OK\n" to each request line -> db_roundtrip
 * Prints one JSON line with the ports used and what was done, e.g.
 *   {"event":"traffic","connect_port":20001,"connects":20,...,"request_bytes":190,"response_bytes":150}
 * Errors go to stderr with exit status 1.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "traffic: %s: %s\n", what, strerror(errno));
	exit(1);
}

static struct sockaddr_in loopback(int port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

/* A listener on `port`, or -1 if the port is taken. */
static int listen_on(int port, int backlog)
{
	struct sockaddr_in a = loopback(port);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, backlog)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A listener on a free port in [20000, 30000), which is below the ephemeral range. */
static int listen_free(int backlog, int *port)
{
	for (int attempt = 0; attempt < 500; attempt++) {
		int p = 20000 + rand() % 10000, fd = listen_on(p, backlog);

		if (fd >= 0) {
			*port = p;
			return fd;
		}
	}
	errno = EADDRINUSE;
	die("no free port in [20000, 30000)");
	return -1;
}

static int connect_to(int port)
{
	struct sockaddr_in a = loopback(port);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int opt(int argc, char **argv, const char *name, int dflt)
{
	for (int i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], name))
			return atoi(argv[i + 1]);
	return dflt;
}

/* The fake database: answers "OK\n" to every newline-terminated request, on every connection. */
static void serve_db(int lfd)
{
	for (;;) {
		int c = accept(lfd, NULL, NULL);
		char buf[4096];
		ssize_t n;

		if (c < 0)
			_exit(0);
		while ((n = read(c, buf, sizeof(buf))) > 0)
			for (ssize_t i = 0; i < n; i++)
				if (buf[i] == '\n' && write(c, "OK\n", 3) != 3)
					_exit(1);
		close(c);
	}
}

int main(int argc, char **argv)
{
	int connects = opt(argc, argv, "--connects", 20);
	int refused = opt(argc, argv, "--refused", 1);
	int resets = opt(argc, argv, "--resets", 5);
	int retransmit_clients = opt(argc, argv, "--retransmit-clients", 8);
	int roundtrips = opt(argc, argv, "--roundtrips", 50);
	int connect_port, refused_port, reset_port, retransmit_port, db_port = 0;
	int refused_seen = 0, lfd, dbfd = -1;
	long request_bytes = 0, response_bytes = 0, t0 = now_ms();
	pid_t db_pid;

	srand(getpid() ^ time(NULL));
	signal(SIGPIPE, SIG_IGN);

	/* connects */
	lfd = listen_free(128, &connect_port);
	for (int i = 0; i < connects; i++) {
		int c = connect_to(connect_port), a;

		if (c < 0)
			die("connect");
		a = accept(lfd, NULL, NULL);
		if (a < 0)
			die("accept");
		close(c);
		close(a);
	}
	close(lfd);

	/* refused: a port that was free a moment ago */
	lfd = listen_free(1, &refused_port);
	close(lfd);
	for (int i = 0; i < refused; i++) {
		if (connect_to(refused_port) >= 0)
			die("connect to a closed port succeeded");
		if (errno == ECONNREFUSED)
			refused_seen++;
	}

	/* resets: the client aborts an established connection (SO_LINGER with a zero timeout) */
	lfd = listen_free(128, &reset_port);
	for (int i = 0; i < resets; i++) {
		struct linger lg = { .l_onoff = 1, .l_linger = 0 };
		int c = connect_to(reset_port), a;
		char b;

		if (c < 0)
			die("connect");
		a = accept(lfd, NULL, NULL);
		if (a < 0)
			die("accept");
		setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(c);
		/* read until the RST has been processed on the server side (ECONNRESET) */
		if (read(a, &b, 1) >= 0 || errno != ECONNRESET)
			die("expected ECONNRESET after the client's abort");
		close(a);
	}
	close(lfd);

	/* retransmits: a full accept queue drops new SYNs; clients retransmit after the initial RTO (1 s) */
	if (retransmit_clients > 0) {
		int clients[64], n = retransmit_clients > 64 ? 64 : retransmit_clients;

		lfd = listen_free(0, &retransmit_port);
		for (int i = 0; i < n; i++) {
			struct sockaddr_in a = loopback(retransmit_port);

			clients[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
			if (clients[i] < 0)
				die("socket");
			if (connect(clients[i], (struct sockaddr *)&a, sizeof(a)) && errno != EINPROGRESS)
				die("connect");
		}
		usleep(2500 * 1000);
		for (int i = 0; i < n; i++)
			close(clients[i]);
		close(lfd);
	} else {
		retransmit_port = 0;
	}

	/* round trips to a fake database */
	if (roundtrips > 0) {
		static const int ports[] = { 5432, 3306, 6379 };
		char buf[64];
		int c;

		for (int i = 0; i < 3 && dbfd < 0; i++)
			if ((dbfd = listen_on(ports[i], 16)) >= 0)
				db_port = ports[i];
		if (dbfd < 0) {
			errno = EADDRINUSE;
			die("ports 5432, 3306 and 6379 are all taken on 127.0.0.1");
		}
		db_pid = fork();
		if (db_pid < 0)
			die("fork");
		if (db_pid == 0)
			serve_db(dbfd);
		c = connect_to(db_port);
		if (c < 0)
			die("connect to the database port");
		for (int i = 0; i < roundtrips; i++) {
			int len = snprintf(buf, sizeof(buf), "Q%d\n", i), got = 0;

			if (write(c, buf, len) != len)
				die("write");
			request_bytes += len;
			while (got < 3) {
				ssize_t n = read(c, buf + got, 3 - got);

				if (n <= 0)
					die("read");
				got += n;
			}
			response_bytes += got;
		}
		close(c);
		kill(db_pid, SIGKILL);
		waitpid(db_pid, NULL, 0);
		close(dbfd);
	}

	printf("{\"event\":\"traffic\",\"connect_port\":%d,\"connects\":%d,\"refused_port\":%d,\"refused\":%d,"
	       "\"reset_port\":%d,\"resets\":%d,\"retransmit_port\":%d,\"retransmit_clients\":%d,"
	       "\"db_port\":%d,\"round_trips\":%d,\"request_bytes\":%ld,\"response_bytes\":%ld,\"wall_ms\":%ld}\n",
	       connect_port, connects, refused_port, refused_seen, reset_port, resets, retransmit_port,
	       retransmit_clients, db_port, roundtrips, request_bytes, response_bytes, now_ms() - t0);
	return 0;
}
