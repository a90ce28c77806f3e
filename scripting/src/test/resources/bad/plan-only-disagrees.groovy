// A plan the running daemons do not follow (split 67 against the lab's /66s), and no apply: the plan
// alone has problems, so the run fails (exit 1, "ok": false).
def lab = args[0]
setup(lab) {
  underlay '2001:db8:ab11::/64'
  mode ndpProxy
  split 67
  ['docker1', 'docker2'].each { n ->
    host(n) {
      netns "${lab}-${n}"
      uplink 'eth0'
      docker "unix:///run/sixkit/lab/${lab}/${n}/docker.sock"
    }
  }
}
plan()
