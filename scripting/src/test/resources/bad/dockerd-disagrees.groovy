// A valid setup whose plan the running daemons do not follow: split into /67s, docker1 would get
// 2001:db8:ab11:0:c000::/67, but the lab's dockerd runs with 2001:db8:ab11:0:8000::/66. The plan
// says so and apply() refuses; no daemon is restarted.
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
apply()
