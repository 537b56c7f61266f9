package notify

// RegionOf exposes regionOf to the package's tests.
var RegionOf = regionOf
