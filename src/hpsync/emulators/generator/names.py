"""Vocabulary of a plausible French school: names, programmes, subjects, companies.

Kept as plain tuples so the generator stays deterministic and dependency-free.
"""

from __future__ import annotations


def _words(text: str, sep: str = " ") -> tuple[str, ...]:
    """Long vocabularies as one string each: readable, and one line per value avoided."""
    return tuple(w for w in text.split(sep) if w)


FIRST_NAMES: tuple[str, ...] = _words(
    "Léa Hugo Inès Lucas Chloé Nathan Manon Louis Camille Jules Emma Gabriel Sarah Arthur "
    "Jade Raphaël Louise Adam Lina Paul Zoé Tom Alice Théo Anaïs Noah Clara Enzo Maëlys "
    "Mathis Juliette Yanis Lucie Maxime Océane Rayan Eva Antoine Romane Sacha Margaux Axel "
    "Elsa Clément Ambre Victor Laura Mehdi Nour Baptiste Agathe Kylian Pauline Quentin Salomé "
    "Dylan Yasmine Thomas Marine Alexandre Héloïse Bastien Aïcha Matteo Justine Florian "
    "Mélissa Kévin Amandine Jérémy Claire Marc Sophie Olivier Nathalie Pierre Isabelle "
    "François Céline Stéphane Valérie Éric "
)

LAST_NAMES: tuple[str, ...] = _words(
    "Martin|Bernard|Thomas|Petit|Robert|Richard|Durand|Dubois|Moreau|Laurent|Simon|"
    "Michel|Lefèvre|Leroy|Roux|David|Bertrand|Morel|Fournier|Girard|Bonnet|Dupont|"
    "Lambert|Fontaine|Rousseau|Vincent|Muller|Lefebvre|Faure|André|Mercier|Blanc|Guérin|"
    "Boyer|Garnier|Chevalier|François|Legrand|Gauthier|Garcia|Perrin|Robin|Clément|Morin|"
    "Nicolas|Henry|Roussel|Mathieu|Gautier|Masson|Marchand|Duval|Denis|Dumont|Marie|"
    "Lemaire|Noël|Meyer|Dufour|Meunier|Brun|Blanchard|Giraud|Joly|Rivière|Lucas|Brunet|"
    "Gaillard|Barbier|Arnaud|Martinez|Gérard|Roche|Renard|Schmitt|Roy|Leroux|Colin|Vidal|"
    "Caron|Picard|Roger|Fabre|Aubert|Lemoine|Renaud|Dumas|Lacroix|Olivier|Philippe|"
    "Bourgeois|Pierre|Benoît|Rey|Leclerc|Payet|Rolland|Leclercq|Guillaume|Lecomte|Lopez|"
    "Jean|Dupuy|Nguyen|Diallo|Benali|Haddad|Traoré|Da Silva|Ferreira|Kaya|N'Diaye|"
    "Le Gall|De La Fontaine|Saint-Martin",
    "|",
)

#: (programme name, code prefix, number of levels, subject codes taught)
PROGRAMMES: tuple[tuple[str, str, int, tuple[str, ...]], ...] = (
    ("BTS SIO", "SIO", 2, ("ALGO", "RESEAU", "WEB", "BDD", "CEJM", "ANG", "CULT", "MATH")),
    ("BTS MCO", "MCO", 2, ("MERCA", "GESTION", "CEJM", "ANG", "CULT", "MANAG", "COMDIG")),
    ("BTS NDRC", "NDRC", 2, ("NEGO", "COMDIG", "CEJM", "ANG", "CULT", "MERCA")),
    ("BTS CG", "CG", 2, ("COMPTA", "FISCAL", "GESTION", "CEJM", "ANG", "CULT", "MATH")),
    ("BTS GPME", "GPME", 2, ("GESTION", "COMPTA", "RH", "CEJM", "ANG", "CULT", "COMDIG")),
    ("BUT GEA", "GEA", 3, ("COMPTA", "GESTION", "RH", "DROIT", "ECO", "ANG", "STAT", "PPP")),
    ("BUT TC", "TC", 3, ("MERCA", "NEGO", "COMDIG", "ECO", "DROIT", "ANG", "ESP", "PPP")),
    ("BUT Informatique", "INFO", 3, ("ALGO", "WEB", "BDD", "RESEAU", "MATH", "ANG", "PPP")),
    ("Licence Pro RH", "LPRH", 1, ("RH", "DROIT", "PAIE", "MANAG", "ANG", "PROJET")),
    ("Licence Pro Commerce", "LPCOM", 1, ("MERCA", "NEGO", "MANAG", "COMDIG", "ANG", "PROJET")),
    ("Bachelor Marketing digital", "BMD", 3, ("MERCA", "COMDIG", "WEB", "STAT", "ANG", "PROJET")),
    ("Master Management", "MM", 2, ("MANAG", "ECO", "STAT", "DROIT", "ANG", "PROJET", "RH")),
)

#: subject code → label
SUBJECTS: dict[str, str] = {
    "ALGO": "Algorithmique et programmation",
    "RESEAU": "Réseaux et systèmes",
    "WEB": "Développement web",
    "BDD": "Bases de données",
    "CEJM": "Culture économique, juridique et managériale",
    "ANG": "Anglais",
    "ESP": "Espagnol",
    "CULT": "Culture générale et expression",
    "MATH": "Mathématiques",
    "MERCA": "Marketing",
    "GESTION": "Gestion",
    "MANAG": "Management des équipes",
    "COMDIG": "Communication digitale",
    "NEGO": "Négociation et relation client",
    "COMPTA": "Comptabilité",
    "FISCAL": "Fiscalité",
    "RH": "Gestion des ressources humaines",
    "DROIT": "Droit des affaires",
    "ECO": "Économie",
    "STAT": "Statistiques",
    "PPP": "Projet personnel et professionnel",
    "PAIE": "Paie et administration du personnel",
    "PROJET": "Gestion de projet",
    "SPORT": "Éducation physique et sportive",
    "RAN": "Remise à niveau",
}

OPTION_NAMES: tuple[str, ...] = (
    "Option SLAM",
    "Option SISR",
    "Option Espagnol",
    "Option Allemand",
    "Option Entrepreneuriat",
    "Option Data",
    "Option International",
)

REGROUPEMENTS: tuple[tuple[str, str, str], ...] = (
    ("Anglais renforcé", "ANGR", "ANG"),
    ("Remise à niveau mathématiques", "RANM", "RAN"),
    ("Section sportive", "SPORT", "SPORT"),
    ("Préparation TOEIC", "TOEIC", "ANG"),
    ("Erasmus départ", "ERAS", "ESP"),
)

COMPANIES: tuple[str, ...] = _words(
    "ACME SA|Boulangerie Dupain|Transports Verdier|Crédit Régional|Groupe Hexagone|"
    "Atelier Numérique|Pharmacie Centrale|Mairie de Villeneuve|Hôtel Le Grand Cerf|"
    "Cabinet Lefort Expertise|Supermarché Les Halles|Clinique Saint-Luc|Batifrance|"
    "Logistique Océane|Agence Pixel & Co|Mutuelle Solidaire|Garage Moderne|"
    "Société Générale des Eaux|Informatique Services Ouest|Librairie Au Fil des Pages",
    "|",
)

MEMOS: tuple[str, ...] = (
    "Apporter son ordinateur",
    "Évaluation en fin de séance",
    "Salle à confirmer",
    "Intervenant extérieur",
    "Rendu de projet",
)

ROOM_PREFIXES: tuple[tuple[str, int], ...] = (
    ("A", 32),
    ("B", 30),
    ("C", 24),
    ("Labo info ", 18),
    ("Amphi ", 120),
    ("D", 28),
)
