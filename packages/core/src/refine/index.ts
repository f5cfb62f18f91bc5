export * from './fhir-dates';
export * from './search-fields';
export * from './content';
export * from './deletions';
export * from './relay';
export * from './refine';
export * from './stage';
export * from './rebuild';
