-- Example service: case management of a département's social services (fictitious).
-- PostgreSQL DDL with roles and grants, as a DPO would receive it from the software vendor.
-- The audit of this schema with gdpr-audit.yml is expected to give the findings listed in
-- tests/test_example_audit.py (some fields below are deliberately excessive).

CREATE ROLE travailleur_social NOLOGIN;
CREATE ROLE comptable NOLOGIN;
CREATE ROLE direction NOLOGIN;
CREATE ROLE statisticien NOLOGIN;
CREATE ROLE app_user LOGIN PASSWORD 'change-me';
GRANT travailleur_social TO app_user;

CREATE TABLE agent (
    id              serial PRIMARY KEY,
    nom             varchar(100) NOT NULL,
    prenom          varchar(100) NOT NULL,
    email           varchar(255) NOT NULL,
    mot_de_passe    varchar(255) NOT NULL,
    service         varchar(100)
);

CREATE TABLE usager (
    id                  serial PRIMARY KEY,
    numero_dossier      varchar(20) NOT NULL UNIQUE,
    nom                 varchar(100) NOT NULL,
    prenom              varchar(100) NOT NULL,
    date_naissance      date NOT NULL,
    sexe                char(1),
    lieu_naissance      varchar(100),
    nationalite         varchar(60),
    nir                 char(15),
    email               varchar(255),
    telephone           varchar(20),
    adresse             varchar(255),
    code_postal         char(5),
    situation_familiale varchar(30),
    nombre_enfants      smallint,
    logement            varchar(60),
    revenus_mensuels    numeric(10, 2),
    iban                varchar(34),
    handicap            boolean,
    religion            varchar(60),
    origine_ethnique    varchar(60),
    casier_judiciaire   boolean,
    photo               bytea,
    latitude            double precision,
    longitude           double precision,
    mot_de_passe_caf    varchar(100),
    date_creation       timestamp NOT NULL DEFAULT now(),
    date_dernier_contact date
);
COMMENT ON TABLE usager IS 'Personnes accompagnées par le service social départemental';
COMMENT ON COLUMN usager.mot_de_passe_caf IS 'Identifiant de connexion CAF de la personne, saisi pour l''aider dans ses démarches';

CREATE TABLE membre_foyer (
    id              serial PRIMARY KEY,
    usager_id       integer NOT NULL REFERENCES usager (id) ON DELETE CASCADE,
    nom             varchar(100),
    prenom          varchar(100),
    date_naissance  date,
    lien_parente    varchar(30),
    profession      varchar(100)
);

CREATE TABLE accompagnement (
    id                  serial PRIMARY KEY,
    usager_id           integer NOT NULL,
    agent_id            integer NOT NULL,
    type_accompagnement varchar(60) NOT NULL,
    evaluation_sociale  text,
    objectifs           text,
    date_debut          date NOT NULL,
    date_fin            date
);
ALTER TABLE accompagnement ADD CONSTRAINT fk_accompagnement_usager
    FOREIGN KEY (usager_id) REFERENCES usager (id) ON DELETE CASCADE;
ALTER TABLE accompagnement ADD CONSTRAINT fk_accompagnement_agent
    FOREIGN KEY (agent_id) REFERENCES agent (id);

CREATE TABLE entretien (
    id                  serial PRIMARY KEY,
    accompagnement_id   integer NOT NULL REFERENCES accompagnement (id) ON DELETE CASCADE,
    date_entretien      date NOT NULL,
    notes               text
);
COMMENT ON COLUMN entretien.notes IS 'Notes libres du travailleur social';

CREATE TABLE aide_financiere (
    id                  serial PRIMARY KEY,
    usager_id           integer NOT NULL REFERENCES usager (id),
    montant             numeric(10, 2) NOT NULL,
    motif_aide          varchar(100),
    iban_beneficiaire   varchar(34),
    date_decision       date NOT NULL
);

CREATE TABLE export_statistique (
    id              serial PRIMARY KEY,
    annee           smallint NOT NULL,
    code_postal     char(5),
    tranche_age     varchar(10),
    nir             char(15)
);

CREATE TABLE journal_acces (
    id          bigserial PRIMARY KEY,
    agent_id    integer NOT NULL REFERENCES agent (id),
    usager_id   integer REFERENCES usager (id),
    action      varchar(20) NOT NULL,
    date_acces  timestamp NOT NULL DEFAULT now(),
    adresse_ip  inet
);

CREATE VIEW v_usager_comptable AS
    SELECT u.id, u.numero_dossier, u.nom, u.prenom, u.iban FROM usager u;

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON usager, membre_foyer, accompagnement, entretien TO travailleur_social;
GRANT SELECT ON aide_financiere TO travailleur_social;
GRANT SELECT (id, numero_dossier, nom, prenom, iban) ON usager TO comptable;
GRANT SELECT, INSERT ON aide_financiere TO comptable;
GRANT SELECT ON entretien TO comptable;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO direction;
-- and on every table created later: the management reads whatever the software adds
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO direction;
GRANT SELECT ON export_statistique TO PUBLIC;
GRANT SELECT ON export_statistique TO statisticien WITH GRANT OPTION;

ALTER TABLE accompagnement ENABLE ROW LEVEL SECURITY;
CREATE POLICY accompagnement_referent ON accompagnement FOR SELECT TO travailleur_social
    USING (agent_id = current_setting('app.agent_id')::integer);
