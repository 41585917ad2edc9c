export class HealthDto {
  status!: 'ok';
}

export class ReadinessDto {
  status!: 'ok';
  /** Each dependency checked, with `ok`. */
  checks!: Record<string, 'ok'>;
}
