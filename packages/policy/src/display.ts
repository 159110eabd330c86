// The display names moved to the shared vocabulary; this keeps the engine's own imports short.
export { meetingTypeNames, optionNames, platformNames, settingNames } from '@conclave/vocabulary';
