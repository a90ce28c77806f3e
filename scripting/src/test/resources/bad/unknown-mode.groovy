// "rooted" is not a mode.
def lab = args[0]
setup(lab) {
  underlay '2001:db8:ab11::/64'
  mode rooted
  host('docker1') {
    netns "${lab}-docker1"
    uplink 'eth0'
    docker "unix:///run/sixkit/lab/${lab}/docker1/docker.sock"
  }
}
apply()
