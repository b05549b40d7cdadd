// English messages of <doc-capture>. Keys: the report's problem codes (one short instruction
// each, in the order the engine ranks them), then the widget's own words. `{side}` is
// replaced by a side's name. Another language: copy this file to i18n/<code>.js.

export default {
  // What to fix, by problem code.
  no_document: 'Point the camera at your document',
  corners_cut_off: 'All four corners must be visible',
  too_far: 'Move closer',
  too_close: 'Move back a little',
  corner_covered: 'Keep your fingers off the corners',
  tilted: 'Hold the phone straight above the document',
  too_dark: 'Too dark — find more light',
  too_bright: 'Too bright — move out of direct light',
  glare: 'Glare on the card — tilt it slightly',
  uneven_lighting: 'Uneven light — avoid shadows on the document',
  blurry: 'Blurry — hold steady and let the camera focus',
  moving: 'Hold still',
  low_resolution: 'Move closer or use a better camera',
  grayscale: 'Use the original document in colour, not a copy',
  ready: 'Looks good — hold still',

  // Sides.
  side_front: 'Front',
  side_back: 'Back',
  side_single: 'Document',
  side_title_front: 'Front of the card',
  side_title_back: 'Back of the card',
  side_title_single: 'Photo page of the document',

  // Live states.
  starting: 'Starting the camera…',
  capturing: 'Hold still — taking the photo…',
  checking: 'Checking the photo…',
  captured: '{side} captured',
  turn_over: 'Now turn the card over',
  paused: 'The camera is paused',
  tap_title: 'Start the camera',
  tap_text: 'This browser waits for a tap before it shows the camera.',
  start_camera: 'Start camera',
  restarting: 'Restarting the photo checker…',
  done_title: 'All photos taken',
  done_text: 'Look at them below. Retake any that is not sharp and fully visible.',
  not_taken: 'This photo was not taken: {problem}',
  capture_failed: 'The photo could not be taken. Try again.',

  // Controls.
  shutter: 'Take photo',
  pick: 'Upload',
  pick_long: 'Choose a photo',
  auto: 'Auto',
  auto_label: 'Take the photo automatically',
  retake: 'Retake',
  retake_side: 'Retake {side}',
  try_again: 'Try again',
  restart_camera: 'Restart camera',
  use_anyway: 'Use this photo anyway',
  choose_another: 'Choose another photo',
  back_to_camera: 'Back to camera',
  camera_region: 'Document camera',

  // A photo chosen from the device.
  review_title: 'This photo has problems',
  review_ok: 'This photo looks good',
  file_unreadable: 'This file could not be opened as a photo. Choose a JPEG or PNG photo.',
  photo_too_large: 'This photo cannot be made small enough to send. Choose another photo.',

  // Camera and engine failures: what happened, then what to do.
  camera_denied_title: 'Camera access is off',
  camera_denied: 'Allow the camera for this site in your browser settings and try again, or take the photo with your camera app and choose it here.',
  camera_missing_title: 'No camera found',
  camera_missing: 'Take the photo with your camera app and choose it here.',
  camera_busy_title: 'The camera is in use',
  camera_busy: 'Another app is using the camera. Close it and try again, or choose a photo.',
  camera_stopped_title: 'The camera stopped',
  camera_stopped: 'Restart the camera, or take the photo with your camera app and choose it here.',
  camera_unsupported_title: 'No camera on this page',
  camera_unsupported: 'This browser cannot open the camera here. Take the photo with your camera app and choose it here.',
  camera_insecure: 'The camera only works on a secure (https) page. Take the photo with your camera app and choose it here.',
  engine_failed_title: 'The photo checker stopped',
  engine_failed: 'Reload the page to try again.',
};
