// A host's Docker prefix is longer than Docker accepts (/96: container addresses come from 48-bit MACs).
def lab = args[0]
setup(lab) {
  underlay '2001:db8:ab11::/64'
  mode routed
  host('docker1') {
    netns "${lab}-docker1"
    uplink 'eth0'
    docker "unix:///run/sixkit/lab/${lab}/docker1/docker.sock"
    prefix '2001:db8:cd11::/64'
  }
  host('docker2') {
    netns "${lab}-docker2"
    uplink 'eth0'
    docker "unix:///run/sixkit/lab/${lab}/docker2/docker.sock"
    prefix '2001:db8:ef11::/96'
  }
}
apply()
