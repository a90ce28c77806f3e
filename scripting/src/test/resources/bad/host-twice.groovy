// docker1 is defined twice.
def lab = args[0]
setup(lab) {
  underlay '2001:db8:ab11::/64'
  mode ndpProxy
  split 66
  host('docker1') {
    netns "${lab}-docker1"
    uplink 'eth0'
    docker "unix:///run/sixkit/lab/${lab}/docker1/docker.sock"
  }
  host('docker1') {
    netns "${lab}-docker2"
    uplink 'eth0'
    docker "unix:///run/sixkit/lab/${lab}/docker2/docker.sock"
  }
}
apply()
