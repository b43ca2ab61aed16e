/** Test support: real external processes (redis-server, Redis Cluster) started and stopped by PID. */
package dev.herald.testkit;
