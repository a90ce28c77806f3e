// split takes a prefix length, not words.
def lab = args[0]
setup(lab) {
  underlay '2001:db8:ab11::/64'
  mode ndpProxy
  split 'sixty-six'
  host('docker1') {
    netns "${lab}-docker1"
    uplink 'eth0'
    docker "unix:///run/sixkit/lab/${lab}/docker1/docker.sock"
  }
}
apply()
