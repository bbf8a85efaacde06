/** Both sides of one case: through the proxy and the baseline (the same work straight against the backend). */
record Pair(String name, String baseline, Stats proxy, Stats direct, long peakRssKiB, boolean demoServer) {
}
